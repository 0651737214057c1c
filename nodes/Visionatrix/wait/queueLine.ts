import type { TaskDetails } from '../shared/types';
import { taskStatus } from '../shared/taskStatus';
import type { FlowPace } from './flowPace';
import {
	clamp,
	FIRST_LOOK_MS,
	SAME_TICK_MS,
	type PollSchedule,
	type Slot,
	type Tracked,
} from './schedule';
import { serverTime, type ServerClock } from './serverClock';
import type { WorkerCount } from './workerCount';

/** What the line needs of the rest of the wait's knowledge. */
export interface LineContext {
	pace: FlowPace;
	workers: WorkerCount;
	/** When the wait's finished tasks ended (ms), latest first: the workers they freed, and the flow each ran. */
	recentEnds: Array<{ at: number; flow?: string }>;
	schedule: PollSchedule;
	/** When to read a running task again, from `now`. */
	nextLookAtRunning(task: Tracked, now: number): number;
}

/** Another task of the user (not the wait's) a summary showed running: it holds a worker until it ends. */
interface VisibleRun {
	start: number;
	flow: string;
}

/**
 * The wait's guess of the server's line (see schedule.ts): which of its queued tasks a worker
 * takes next and when. The server promises no order among tasks of equal priority, so the line
 * follows the order it last saw the server take them in (oldest first until a newer task is seen
 * taken before an older one), and a guess found wrong is checked against the other queued tasks
 * before the wait concludes that other users' work holds the workers.
 */
export class QueueLine {
	/** Among tasks of equal priority, the server was last seen taking the newest first. */
	private newestFirst = false;
	/** The server was last seen taking a task from the middle of the line: no order to follow. */
	private unordered = false;
	/** Looks in a row that found none of the wait's queued tasks started. */
	private misses = 0;
	/** Other work holds the workers that were free at `since` until `until`. */
	private hold?: { until: number; since: number };
	/** A task expected to have started was read still queued on its own: look at the others at this time. */
	lookAroundAt?: number;
	/** The user's other tasks a summary showed running, by id. */
	private readonly visible = new Map<number, VisibleRun>();
	/** Other tasks whose run time the wait has learnt, so each counts once. */
	private readonly otherRuns = new Set<number>();
	/** The last summary listed unfinished tasks of the user that are not the wait's: they share its workers. */
	private othersUnfinished = false;

	/** While the guess fails, each look reads all the queued tasks of a group at once (or the few most likely). */
	get wide(): boolean {
		return this.misses > 0 || this.unordered || this.lookAroundAt !== undefined;
	}

	/**
	 * Whether the line's guess of when a task started can stand for its start: not while the guess
	 * fails, nor while other tasks of the user (other executions) may take the workers first.
	 */
	get trusted(): boolean {
		return !this.wide && !this.othersUnfinished;
	}

	/** The queued tasks in the order a worker would take them, as far as the wait knows. */
	rank(queued: readonly Tracked[]): Tracked[] {
		const direction = this.newestFirst ? -1 : 1;
		return [...queued].sort((a, b) => b.priority - a.priority || direction * (a.id - b.id));
	}

	/** The few of a group's queued tasks a worker most likely took: the next two in the line and the one at its other end. */
	private mostLikely(group: readonly Tracked[]): Tracked[] {
		const ranked = this.rank(group);
		return [...new Set([...ranked.slice(0, 2), ...ranked.slice(-1)])];
	}

	/**
	 * While the guess fails, a due queued task is read with the rest of its group: all of them in
	 * one summary when that is cheaper than reading them one by one (`bySummary`), else the few
	 * most likely on their own.
	 */
	wideLook(
		now: number,
		queued: readonly Tracked[],
		due: ReadonlySet<Tracked>,
		bySummary: (flow: string, groupScope: number, count: number, showsOthers: boolean) => boolean,
	): { summaries: Tracked[][]; few: Tracked[] } {
		const look = { summaries: [] as Tracked[][], few: [] as Tracked[] };
		const lookAround = (this.lookAroundAt ?? Infinity) <= now + SAME_TICK_MS;
		if (!this.wide || !(lookAround || queued.some((task) => due.has(task)))) return look;
		const groups = new Map<string, Tracked[]>();
		for (const task of queued) {
			const key = `${task.groupScope}\u0000${task.flow}`;
			groups.set(key, [...(groups.get(key) ?? []), task]);
		}
		for (const group of groups.values()) {
			const { flow, groupScope } = group[0];
			if (
				flow !== undefined &&
				groupScope !== undefined &&
				bySummary(flow, groupScope, group.length, this.othersUnfinished)
			)
				look.summaries.push(group);
			else look.few.push(...this.mostLikely(group));
		}
		return look;
	}

	/**
	 * The user's other tasks in a summary (other executions' of the same flow and group): their
	 * timestamps tell the server's clock, one running holds a worker until it ends, one finished
	 * tells how long the flow's tasks take.
	 */
	sawOthers(
		states: ReadonlyMap<number, TaskDetails | null>,
		now: number,
		wait: { clock: ServerClock; pace: FlowPace; isWaits(taskId: number): boolean },
	): void {
		this.othersUnfinished = false;
		for (const [taskId, news] of states) {
			if (!news || wait.isWaits(taskId)) continue;
			wait.clock.answered(news, now);
			const status = taskStatus(news);
			if (status === 'queued' || status === 'running') this.othersUnfinished = true;
			this.visible.delete(taskId);
			if (status === 'running') {
				const locked = wait.clock.localTime(serverTime(news.locked_at));
				const start = locked ?? now - Math.max(0, news.execution_time) * 1000;
				this.visible.set(taskId, { start, flow: news.name });
			} else if (status === 'completed' && !this.otherRuns.has(taskId) && news.execution_time > 0) {
				this.otherRuns.add(taskId);
				wait.pace.finished(news.name, news.execution_time * 1000);
			}
		}
	}

	/** Some of the wait's queued tasks were seen started: the line runs again, in the order they were taken. */
	started(taken: readonly Tracked[], stillQueued: readonly Tracked[]): void {
		this.misses = 0;
		this.hold = undefined;
		this.lookAroundAt = undefined;
		for (const task of taken) {
			const passed = stillQueued.filter((other) => other.priority === task.priority);
			if (passed.length === 0) continue;
			const newest = passed.every((other) => other.id < task.id);
			const oldest = passed.every((other) => other.id > task.id);
			if (newest || oldest) this.newestFirst = newest;
			this.unordered = !newest && !oldest;
		}
	}

	/**
	 * The task the line expected to have started is still queued. Read on its own: look at the
	 * others first. Read with them (`lookedAround`): none started, so other work holds the workers
	 * until a visible task of it ends, else for a pause that doubles toward the Max Poll Interval.
	 */
	missed(now: number, lookedAround: boolean, schedule: PollSchedule, pace: FlowPace): void {
		if (!lookedAround) {
			this.lookAroundAt = now + schedule.minDelayMs;
			return;
		}
		this.lookAroundAt = undefined;
		this.misses++;
		const pause = clamp(FIRST_LOOK_MS * 2 ** this.misses, schedule.minDelayMs, schedule.maxDelayMs);
		this.hold = { until: this.visibleEnd(now, pace) ?? now + pause, since: now };
	}

	/** When the first of the visible runs should end, if after now. */
	private visibleEnd(now: number, pace: FlowPace): number | undefined {
		const ends = [...this.visible.values()]
			.map(({ start, flow }) => start + (pace.of(flow) ?? Infinity))
			.filter((end) => end > now && Number.isFinite(end));
		return ends.length > 0 ? Math.min(...ends) : undefined;
	}

	/**
	 * Plays the line forward: the workers seen busy (plus one spare, until a task given to it is
	 * read still queued) take the queued tasks in line order, each as the one before it on that
	 * worker ends; workers held by other work come back at the hold's end. A queued task is read
	 * when it should have ended (or, its flow's pace unknown, soon after it should have started).
	 */
	plan(now: number, tasks: readonly Tracked[], context: LineContext): void {
		const { pace, schedule } = context;
		const running = tasks.filter((task) => task.state === 'running');
		// What the wait learnt since (a flow's pace) moves the next look at the running tasks too.
		for (const task of running)
			task.dueAt = context.nextLookAtRunning(task, task.lastReadAt ?? now);
		const queued = this.rank(tasks.filter((task) => task.state === 'queued'));
		if (queued.length === 0) return;
		const slots = this.slots(now, running, queued, context);
		// A flow of unknown pace gets one first look; its other tasks wait for what that one tells.
		const firstLooks = new Set(
			running.filter((task) => pace.of(task.flow) === undefined).map((task) => task.flow),
		);
		const line = [...queued];
		while (line.length > 0) {
			const slot = slots.reduce((best, candidate) => (candidate.at < best.at ? candidate : best));
			const task = takeNext(line, slot.flow);
			const start = Math.max(slot.at, task.queuedAt ?? now);
			const known = pace.of(task.flow);
			const end =
				start + (known ?? (firstLooks.has(task.flow) ? 2 * FIRST_LOOK_MS : FIRST_LOOK_MS));
			const look = known !== undefined ? start + pace.firstLook(task.flow, known) : end;
			if (known === undefined) firstLooks.add(task.flow);
			task.startedAt = start;
			task.onSpareWorker = slot.spare;
			slot.at = end;
			slot.spare = false;
			slot.flow = task.flow;
			const notBefore = (task.lastReadAt ?? -Infinity) + schedule.minDelayMs;
			task.dueAt = Math.min(Math.max(look, notBefore), task.deadline);
		}
	}

	/** The workers the line counts on, each free from when the wait expects. */
	private slots(
		now: number,
		running: readonly Tracked[],
		queued: readonly Tracked[],
		{ pace, workers, recentEnds }: LineContext,
	): Slot[] {
		const earliestQueued = Math.min(...queued.map((task) => task.queuedAt ?? now));
		const slots: Slot[] = running.map((task) => ({
			at: Math.max(now, (task.startedAt ?? now) + (pace.of(task.flow) ?? FIRST_LOOK_MS)),
			spare: false,
			flow: task.flow,
		}));
		const busy = Math.max(1, workers.seen);
		for (let index = 0; slots.length < busy; index++)
			slots.push({
				at: recentEnds[index]?.at ?? earliestQueued,
				spare: false,
				flow: recentEnds[index]?.flow,
			});
		if (!workers.noSpare) slots.push({ at: earliestQueued, spare: true });
		const hold = this.hold;
		if (hold)
			for (const slot of slots) if (slot.at <= hold.since) slot.at = Math.max(slot.at, hold.until);
		return slots;
	}
}

/**
 * The task a worker takes next from the ranked line: of the highest priority, the flow it ran
 * last if one is queued (the server prefers it), else the first in line.
 */
function takeNext(line: Tracked[], lastFlow: string | undefined): Tracked {
	const top = line[0].priority;
	const same =
		lastFlow === undefined
			? -1
			: line.findIndex((task) => task.priority !== top || task.flow === lastFlow);
	return line.splice(same >= 0 && line[same].priority === top ? same : 0, 1)[0];
}
