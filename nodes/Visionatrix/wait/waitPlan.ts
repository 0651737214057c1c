import type { TaskDetails } from '../shared/types';
import { taskStatus } from '../shared/taskStatus';
import { ReadChoice, type ReadResult, type TaskRead } from './readChoice';
import { FlowPace } from './flowPace';
import { WorkerCount } from './workerCount';
import {
	clamp,
	FIRST_LOOK_MS,
	QUEUED_CHECK_MS,
	SAME_TICK_MS,
	type PollSchedule,
	type Slot,
	type Tracked,
	type WaitOutcome,
	type WaitTarget,
} from './schedule';
import { ServerClock, serverTime } from './serverClock';

/** The wait's knowledge and its schedule: which tasks to read when, and how. */
export class WaitPlan {
	private readonly tasks = new Map<number, Tracked>();
	readonly outcomes = new Map<number, WaitOutcome>();
	private readonly reads = new ReadChoice();
	private readonly clock = new ServerClock();
	/** How long the flows' tasks take. */
	private readonly pace = new FlowPace();
	/** When the wait's finished tasks ran (estimated start, end), to count the workers. */
	private readonly ran: Array<{ from: number; to: number }> = [];
	private readonly workers = new WorkerCount();

	constructor(
		targets: readonly WaitTarget[],
		private readonly schedule: PollSchedule,
		now: number,
	) {
		for (const target of targets) {
			const known = this.tasks.get(target.taskId);
			if (known) {
				known.deadline = Math.max(known.deadline, target.deadline);
				continue;
			}
			const created = target.createdAt !== undefined;
			this.tasks.set(target.taskId, {
				id: target.taskId,
				deadline: target.deadline,
				flow: target.flow,
				groupScope: target.groupScope,
				priority: 0,
				state: created ? 'queued' : 'unknown',
				queuedAt: target.createdAt,
				onSpareWorker: false,
				ownRead: false,
				dueAt: now,
			});
		}
		this.simulateLine(now);
	}

	get pending(): number[] {
		return [...this.tasks.keys()];
	}

	/** When the next read is due (ms), or undefined when nothing is pending. */
	wakeAt(): number | undefined {
		let earliest: number | undefined;
		for (const task of this.tasks.values()) {
			const at = Math.min(task.dueAt, task.deadline);
			if (earliest === undefined || at < earliest) earliest = at;
		}
		return earliest;
	}

	/** The reads to make now: every task due (or due within a moment), each as cheaply as it can be read. */
	readsDue(now: number): TaskRead[] {
		const due = [...this.tasks.values()].filter(
			(task) => Math.min(task.dueAt, task.deadline) <= now + SAME_TICK_MS,
		);
		if (due.length === 0) return [];
		return this.reads.readsFor(due, () =>
			Math.max(0, ...this.tasks.keys(), ...this.outcomes.keys()),
		);
	}

	/** What a read answered, at `now`; returns the tasks that ended (completed, failed, missing, timed out). */
	learn(
		read: TaskRead,
		result: ReadResult,
		now: number,
		sentAt = now,
	): Array<{ taskId: number; outcome: WaitOutcome }> {
		this.reads.learnSizes(read, result);
		const ended: Array<{ taskId: number; outcome: WaitOutcome }> = [];
		// A summary answers for every task of its flow and group, not only the ones due.
		const covered =
			read.kind === 'summary'
				? [...this.tasks.values()]
						.filter((task) => task.flow === read.name && task.groupScope === read.groupScope)
						.map((task) => task.id)
				: read.taskIds;
		for (const taskId of covered) {
			const task = this.tasks.get(taskId);
			if (!task) continue;
			const news = result.states.get(taskId);
			if (news === undefined) {
				// Not in its flow's summary: gone, or moved; its own read tells. Not read at all: no news.
				if (read.kind === 'summary') task.ownRead = true;
				task.dueAt = read.kind === 'summary' ? now : now + this.schedule.minDelayMs;
				if (read.kind === 'tasks' && now >= task.deadline)
					ended.push(this.end(task, { kind: 'timeout', last: task.last }));
				continue;
			}
			task.ownRead = false;
			if (news !== null) this.clock.read(task, news, now);
			task.lastReadAt = now;
			task.lastSentAt = sentAt;
			if (news === null) {
				ended.push(this.end(task, { kind: 'missing' }));
				continue;
			}
			task.last = news;
			task.flow = news.name ?? task.flow;
			if (typeof news.group_scope === 'number') task.groupScope = news.group_scope;
			if (typeof news.priority === 'number') task.priority = news.priority;
			const status = taskStatus(news);
			if (status === 'completed' || status === 'failed') {
				this.finished(task, news, status, now);
				ended.push(this.end(task, { kind: status, task: news }));
				continue;
			}
			if (status === 'running') this.seenRunning(task, news, now);
			else this.seenQueued(task, now);
			if (now >= task.deadline) ended.push(this.end(task, { kind: 'timeout', last: task.last }));
		}
		this.reviseGuessedStarts();
		this.workers.count(() => this.estimatedRuns(now));
		this.simulateLine(now);
		return ended;
	}

	private end(task: Tracked, outcome: WaitOutcome): { taskId: number; outcome: WaitOutcome } {
		this.tasks.delete(task.id);
		this.outcomes.set(task.id, outcome);
		return { taskId: task.id, outcome };
	}

	/** The start of a task first read running or done: the server's lock time, else the line's guess, within what its reports allow. */
	private startOf(task: Tracked, reportedMs: number, now: number, news?: TaskDetails): number {
		const latest = now - reportedMs;
		const earliest = Math.min(task.queuedAt ?? -Infinity, latest);
		if (task.state === 'running' && task.startedAt !== undefined) return task.startedAt;
		const finished = serverTime(news?.finished_at);
		const stamped = this.clock.localTime(
			serverTime(news?.locked_at) ?? (finished !== undefined ? finished - reportedMs : undefined),
		);
		if (stamped !== undefined) return clamp(stamped, earliest, latest);
		if (task.state === 'queued' && !task.onSpareWorker && task.startedAt !== undefined)
			return clamp(task.startedAt, earliest, latest);
		// Taken by a worker the line did not count on: when a worker last became free before its
		// reports began, or, if none did, as soon as it was queued (a worker was idle). Reports
		// alone would put the start too late by the time since the last one.
		const freed = this.freedWithin(earliest, latest);
		if (freed !== undefined) return freed;
		// Nothing known freed a worker yet: if a read learns later that one did, that is its start.
		task.startRange = { earliest, latest };
		return Number.isFinite(earliest) ? earliest : latest;
	}

	/** The last time within [earliest, latest] that one of the wait's tasks ended and freed its worker. */
	private freedWithin(earliest: number, latest: number): number | undefined {
		const freed = this.ran.map((span) => span.to).filter((at) => at >= earliest && at <= latest);
		return freed.length > 0 ? Math.max(...freed) : undefined;
	}

	/** Starts guessed as early as they could be: a task's end learnt since tells when its worker took them. */
	private reviseGuessedStarts(): void {
		for (const task of this.tasks.values()) {
			if (task.state !== 'running' || task.startRange === undefined) continue;
			const freed = this.freedWithin(task.startRange.earliest, task.startRange.latest);
			if (freed === undefined) continue;
			task.startedAt = freed;
			task.startRange = undefined;
		}
	}

	private finished(
		task: Tracked,
		news: TaskDetails,
		status: 'completed' | 'failed',
		now: number,
	): void {
		const runMs = Math.max(0, news.execution_time) * 1000;
		if (status === 'completed' && runMs > 0 && task.flow !== undefined)
			this.pace.finished(task.flow, runMs);
		const from = this.startOf(task, runMs, now, news);
		this.ran.push({ from, to: Math.min(now, from + runMs) });
		this.workers.finished(task.id, news, runMs);
	}

	private seenRunning(task: Tracked, news: TaskDetails, now: number): void {
		const reportedMs = Math.max(0, news.execution_time) * 1000;
		const wasOnSpare = task.state === 'queued' && task.onSpareWorker;
		this.workers.running(task.id, news);
		task.startedAt = this.startOf(task, reportedMs, now, news);
		// Given to a spare worker, but it started when a known worker became free: no sign of a spare one.
		if (wasOnSpare && this.ran.some((span) => span.to === task.startedAt))
			this.workers.noSpare = true;
		task.state = 'running';
		task.onSpareWorker = false;
		const flow = task.flow;
		if (flow !== undefined && news.progress >= 1 && reportedMs > 0)
			this.pace.reported(flow, (reportedMs * 100) / news.progress);
		task.dueAt = this.nextLookAtRunning(task, now);
	}

	/** When to read a running task again ({@link FlowPace.nextLook}), within the user's bound and its deadline. */
	private nextLookAtRunning(task: Tracked, now: number): number {
		const at = this.pace.nextLook(task.flow, task.startedAt ?? now, now, this.schedule);
		return Math.min(at, now + this.schedule.maxDelayMs, task.deadline);
	}

	private seenQueued(task: Tracked, now: number): void {
		// The line had given it to a worker the wait was not sure of: there is none.
		if (task.state === 'queued' && task.onSpareWorker) this.workers.noSpare = true;
		task.state = 'queued';
		task.startedAt = undefined;
		task.startRange = undefined;
		task.queuedAt = now;
	}

	/** The wait's own estimates of when its tasks ran: finished ones by their run, running ones until now. */
	private estimatedRuns(now: number): Array<{ from: number; to: number }> {
		const spans = [...this.ran];
		for (const task of this.tasks.values()) {
			if (task.state === 'running' && task.startedAt !== undefined)
				spans.push({ from: task.startedAt, to: now + 1 });
		}
		return spans;
	}

	/**
	 * The server's line, played forward: the workers seen busy (plus one spare, until a task given
	 * to it is read still queued) take the queued tasks in line order, each as the one before it on
	 * that worker ends. A queued task is read when it should have ended, and at least every
	 * {@link QUEUED_CHECK_MS}.
	 */
	private simulateLine(now: number): void {
		const { minDelayMs } = this.schedule;
		const running = [...this.tasks.values()].filter((task) => task.state === 'running');
		// What the wait learnt since (a flow's pace) moves the next look at the running tasks too.
		for (const task of running) task.dueAt = this.nextLookAtRunning(task, task.lastReadAt ?? now);
		const queued = [...this.tasks.values()].filter((task) => task.state === 'queued');
		if (queued.length === 0) return;
		const earliestQueued = Math.min(...queued.map((task) => task.queuedAt ?? now));
		const slots: Slot[] = running.map((task) => ({
			at: Math.max(now, (task.startedAt ?? now) + (this.pace.of(task.flow) ?? FIRST_LOOK_MS)),
			spare: false,
		}));
		const recentEnds = this.ran.map((span) => span.to).sort((a, b) => b - a);
		const busy = Math.max(1, this.workers.seen);
		for (let index = 0; slots.length < busy; index++)
			slots.push({ at: recentEnds[index] ?? earliestQueued, spare: false });
		if (!this.workers.noSpare) slots.push({ at: earliestQueued, spare: true });

		queued.sort((a, b) => b.priority - a.priority || a.id - b.id);
		// A flow of unknown pace gets one first look; its other tasks wait for what that one tells.
		const firstLooks = new Set(
			running.filter((task) => this.pace.of(task.flow) === undefined).map((task) => task.flow),
		);
		for (const task of queued) {
			const slot = slots.reduce((best, candidate) => (candidate.at < best.at ? candidate : best));
			const start = Math.max(slot.at, task.queuedAt ?? now);
			const pace = this.pace.of(task.flow);
			const end = start + (pace ?? (firstLooks.has(task.flow) ? 2 * FIRST_LOOK_MS : FIRST_LOOK_MS));
			const look = pace !== undefined ? start + this.pace.firstLook(task.flow, pace) : end;
			if (pace === undefined) firstLooks.add(task.flow);
			task.startedAt = start;
			task.onSpareWorker = slot.spare;
			slot.at = end;
			slot.spare = false;
			const checkBy = (task.queuedAt ?? now) + QUEUED_CHECK_MS;
			const notBefore = (task.lastReadAt ?? -Infinity) + minDelayMs;
			task.dueAt = Math.min(Math.max(look, notBefore), checkBy, task.deadline);
		}
	}
}
