import type { TaskDetails } from '../shared/types';
import { clamp, NOTICE_WITHIN_MS, type Tracked } from './schedule';
import { serverTime, type ServerClock } from './serverClock';

type Span = { from: number; to: number; flow?: string };

/**
 * When the wait's tasks ran, on this machine's clock: the start of each task first read running
 * or done (what its next looks and its worker's count are reckoned from), and the ends of the
 * finished ones (each freed a worker).
 */
export class TaskRuns {
	/** Finished tasks, from their estimated start to their end. */
	readonly ran: Span[] = [];

	constructor(private readonly clock: ServerClock) {}

	/**
	 * The start of a task first read running or done, within what its reports allow: the server's
	 * lock time once the clock is known, else the line's guess while it can be trusted (`lineGuess`),
	 * else the lock time as late as the answers allow, else when a worker last became free.
	 */
	startOf(
		task: Tracked,
		reportedMs: number,
		now: number,
		news: TaskDetails | undefined,
		lineGuess: boolean,
	): number {
		const latest = now - reportedMs;
		const earliest = Math.min(task.queuedAt ?? -Infinity, latest);
		if (task.state === 'running' && task.startedAt !== undefined) return task.startedAt;
		const locked = serverTime(news?.locked_at);
		const finished = serverTime(news?.finished_at);
		const stamped = this.clock.localTime(
			locked ?? (finished !== undefined ? finished - reportedMs : undefined),
		);
		if (stamped !== undefined) return clamp(stamped, earliest, latest);
		if (lineGuess && task.state === 'queued' && !task.onSpareWorker && task.startedAt !== undefined)
			return clamp(task.startedAt, earliest, latest);
		// A server timestamp read just after it was written tells the clock within a fraction of a second.
		const lockedAt = this.clock.latestLocalTime(locked);
		if (lockedAt !== undefined) return clamp(lockedAt, earliest, latest);
		// Taken by a worker the line did not count on: when a worker last became free before its
		// reports began, or, if none did, as soon as it was queued (a worker was idle). Reports
		// alone would put the start too late by the time since the last one.
		const freed = this.freedWithin(earliest, latest);
		if (freed !== undefined) return freed;
		// Nothing known freed a worker yet: if a read learns later that one did, that is its start.
		task.startRange = { earliest, latest };
		return Number.isFinite(earliest) ? earliest : latest;
	}

	/** Version 1.2: a task's limit counts from when a worker took it, as late as the answers allow. */
	setRunLimit(task: Tracked, news: TaskDetails, now: number): void {
		if (task.runLimitMs === undefined) return;
		const locked = this.clock.latestLocalTime(serverTime(news.locked_at));
		const start = Math.min(now, locked ?? now - Math.max(0, news.execution_time) * 1000);
		task.deadline = start + task.runLimitMs;
	}

	/** A finished task's run, from its estimated start for `runMs`, ending by `now` at the latest. */
	finished(task: Tracked, from: number, runMs: number, now: number): void {
		this.ran.push({ from, to: Math.min(now, from + runMs), flow: task.flow });
	}

	/** Whether one of the wait's tasks ended at this time (within what a start estimated from the server's lock time may be off by). */
	endedAt(at: number | undefined): boolean {
		return at !== undefined && this.ran.some((span) => Math.abs(span.to - at) <= NOTICE_WITHIN_MS);
	}

	/** The ends of the finished tasks, latest first, with the flow each ran. */
	recentEnds(): Array<{ at: number; flow?: string }> {
		return this.ran.map(({ to, flow }) => ({ at: to, flow })).sort((a, b) => b.at - a.at);
	}

	/** Starts guessed as early as they could be: a task's end learnt since tells when its worker took them. */
	reviseGuessedStarts(tasks: Iterable<Tracked>): void {
		for (const task of tasks) {
			if (task.state !== 'running' || task.startRange === undefined) continue;
			const freed = this.freedWithin(task.startRange.earliest, task.startRange.latest);
			if (freed === undefined) continue;
			task.startedAt = freed;
			task.startRange = undefined;
		}
	}

	/** The wait's own estimates of when its tasks ran: finished ones by their run, running ones until now. */
	estimated(tasks: Iterable<Tracked>, now: number): Span[] {
		const spans = [...this.ran];
		for (const task of tasks) {
			if (task.state === 'running' && task.startedAt !== undefined)
				spans.push({ from: task.startedAt, to: now + 1 });
		}
		return spans;
	}

	/** The last time within [earliest, latest] that one of the wait's tasks ended and freed its worker. */
	private freedWithin(earliest: number, latest: number): number | undefined {
		const freed = this.ran.map((span) => span.to).filter((at) => at >= earliest && at <= latest);
		return freed.length > 0 ? Math.max(...freed) : undefined;
	}
}
