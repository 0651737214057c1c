import type { TaskDetails } from './types';
import { taskStatus } from './taskStatus';

/**
 * Waiting for many tasks at once, reading only what can have changed.
 *
 * A task must start before it ends, and the server hands queued tasks to its workers in line:
 * highest (stored) priority first, the flow the worker just ran preferred, then creation order
 * (Visionatrix's `get_incomplete_task_without_error_query`). So the wait reads a running task
 * around its expected end (its start plus the run time of the flow's finished tasks, or what the
 * worker's progress reports suggest), and a queued task only when a worker is expected to have
 * taken it: when the task before it in line ends, the next one starts. Queued tasks are also read
 * every {@link QUEUED_CHECK_MS}, so one that is cancelled or deleted is reported within 30 s.
 *
 * Each tick reads the tasks that are due, either one by one or, when they share a flow and a
 * group scope and the last answers' sizes say it is cheaper, in one progress summary filtered by
 * both (the summary lists every task of that flow and group the user ever ran, so with a long
 * history it is the dearer way). Everything here is pure: the clock and the reads are injected.
 */

export type WaitOutcome =
	| { kind: 'completed'; task: TaskDetails }
	| { kind: 'failed'; task: TaskDetails }
	| { kind: 'missing' }
	| { kind: 'timeout'; last?: TaskDetails };

export interface WaitTarget {
	taskId: number;
	/** When to give up on this task (ms since the epoch). */
	deadline: number;
	/** The task's flow and group scope, when the caller knows them (Create Task does). */
	flow?: string;
	groupScope?: number;
	/** When the caller created the task (ms): it was queued then. Unset: its state is unknown. */
	createdAt?: number;
}

export interface PollSchedule {
	/** Shortest pause before reading a task again. */
	minDelayMs: number;
	/** Longest pause between two reads of a running task (the user's bound). */
	maxDelayMs: number;
	/** Once a task is past its expected end, it is read again after this share of its run time. */
	shareOfTaskTime: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { minDelayMs: 150, maxDelayMs: 5000, shareOfTaskTime: 0.12 };

/** A queued task is read at least this often: a queued task cancelled or deleted is reported within 30 s. */
export const QUEUED_CHECK_MS = 25_000;
/** The first look at a task that has just started, when nothing tells how long its flow takes. */
export const FIRST_LOOK_MS = 400;
/** The server's timestamps are used once its clock is known to within this (ms). */
const CLOCK_WINDOW_MS = 150;
/** Tasks due within this much of each other are read in the same tick. */
const SAME_TICK_MS = 30;
/** What one task's answer weighs before any was read (an `sdxl_lighting` task, mostly its graph). */
export const DEFAULT_TASK_BYTES = 4400;
/** What one summary entry weighs before any summary was read. */
export const DEFAULT_SUMMARY_ENTRY_BYTES = 700;

/** One read: some tasks one by one, or the summary of one flow and group scope (never unfiltered). */
export type TaskRead =
	| { kind: 'tasks'; taskIds: number[] }
	| { kind: 'summary'; name: string; groupScope: number; taskIds: number[] };

export interface ReadResult {
	/** News of the tasks read: details, or `null` for a task the server does not know. A task left out: no news. */
	states: Map<number, TaskDetails | null>;
	/** Body bytes of each per-task answer, by task id. */
	taskBytes?: Map<number, number>;
	/** Body bytes of the summary, and how many entries it had. */
	summary?: { bytes: number; entries: number };
}

export interface WaitDependencies {
	/** Performs one read. A read that fails for good throws; tasks it could not read are left out of `states`. */
	fetchTasks(read: TaskRead): Promise<ReadResult>;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	now(): number;
	signal?: AbortSignal;
	/** Called after each tick with the tasks still pending (for progress reporting and tests). */
	onTick?(pending: number[]): void;
	/** Called the moment a task is seen completed (to start on its files while others still run). */
	onCompleted?(task: TaskDetails): void;
}

/** The lower median: with run times that vary, a look a little early costs a read, a little late costs detection time. */
function median(values: readonly number[]): number | undefined {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

function clamp(value: number, low: number, high: number): number {
	return Math.min(high, Math.max(low, value));
}

interface Tracked {
	id: number;
	deadline: number;
	flow?: string;
	groupScope?: number;
	/** As stored by the server: `((group_scope - 1) << 4) + priority`; the line goes highest first. */
	priority: number;
	state: 'unknown' | 'queued' | 'running';
	/** The task was known to be queued at this time. */
	queuedAt?: number;
	/** Running: its estimated start (ms). Queued: when the line says a worker takes it. */
	startedAt?: number;
	/** Running, its start guessed for want of a known worker that became free: the range the start lies in. */
	startRange?: { earliest: number; latest: number };
	/** Queued, and the line gives it to a worker the wait is not sure exists (see {@link WaitPlan.simulateLine}). */
	onSpareWorker: boolean;
	/** Absent from its flow's summary: the next read is its own. */
	ownRead: boolean;
	lastReadAt?: number;
	/** When the last read of it was sent. */
	lastSentAt?: number;
	dueAt: number;
	last?: TaskDetails;
}

/** A worker in the line's simulation: free from `at`; `spare` when the wait has not seen it busy. */
interface Slot {
	at: number;
	spare: boolean;
}

/** The wait's knowledge and its schedule: which tasks to read when, and how. */
export class WaitPlan {
	private readonly tasks = new Map<number, Tracked>();
	readonly outcomes = new Map<number, WaitOutcome>();
	/** Run times (ms) of finished tasks, by flow. */
	private readonly runTimes = new Map<string, number[]>();
	/** Run times suggested by progress reports, by flow, until a task of the flow finishes. */
	private readonly reportedPace = new Map<string, number[]>();
	private readonly taskBytes = new Map<string, number>();
	private readonly summaryBytes = new Map<string, number>();
	private summaryEntryBytes = DEFAULT_SUMMARY_ENTRY_BYTES;
	/** When the wait's finished tasks ran (estimated start, end), to count the workers. */
	private readonly ran: Array<{ from: number; to: number }> = [];
	/** The most tasks of this wait seen running at once: at least that many workers serve them. */
	private workersSeen = 0;
	/** A task the line gave to a spare worker was read still queued: there is no spare worker. */
	private noSpareWorker = false;
	/** Bounds of the server's clock minus this one (ms), from the timestamps in the answers. */
	private clockOffsetLow = -Infinity;
	private clockOffsetHigh = Infinity;

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
		const due = [...this.tasks.values()].filter((task) => Math.min(task.dueAt, task.deadline) <= now + SAME_TICK_MS);
		if (due.length === 0) return [];
		const reads: TaskRead[] = [];
		const single: number[] = [];
		const groups = new Map<string, Tracked[]>();
		for (const task of due) {
			if (task.flow === undefined || task.groupScope === undefined || task.ownRead) {
				single.push(task.id);
				continue;
			}
			const key = groupKey(task.flow, task.groupScope);
			groups.set(key, [...(groups.get(key) ?? []), task]);
		}
		for (const [key, members] of groups) {
			const { flow, groupScope } = members[0] as Required<Pick<Tracked, 'flow' | 'groupScope'>>;
			// One task is read on its own: its answer's size does not depend on what the user ran before.
			if (members.length > 1 && this.summaryCost(key) < members.length * this.taskCost(flow)) {
				reads.push({ kind: 'summary', name: flow, groupScope, taskIds: members.map((task) => task.id) });
			} else {
				single.push(...members.map((task) => task.id));
			}
		}
		if (single.length) reads.unshift({ kind: 'tasks', taskIds: single.sort((a, b) => a - b) });
		return reads;
	}

	/** What a read answered, at `now`; returns the tasks that ended (completed, failed, missing, timed out). */
	learn(read: TaskRead, result: ReadResult, now: number, sentAt = now): Array<{ taskId: number; outcome: WaitOutcome }> {
		if (read.kind === 'summary' && result.summary) {
			this.summaryBytes.set(groupKey(read.name, read.groupScope), result.summary.bytes);
			if (result.summary.entries > 0) this.summaryEntryBytes = result.summary.bytes / result.summary.entries;
		}
		for (const [taskId, bytes] of result.taskBytes ?? []) {
			const news = result.states.get(taskId);
			if (news) this.taskBytes.set(news.name, bytes);
		}
		const ended: Array<{ taskId: number; outcome: WaitOutcome }> = [];
		// A summary answers for every task of its flow and group, not only the ones due.
		const covered =
			read.kind === 'summary'
				? [...this.tasks.values()].filter((task) => task.flow === read.name && task.groupScope === read.groupScope).map((task) => task.id)
				: read.taskIds;
		for (const taskId of covered) {
			const task = this.tasks.get(taskId);
			if (!task) continue;
			const news = result.states.get(taskId);
			if (news === undefined) {
				// Not in its flow's summary: gone, or moved; its own read tells. Not read at all: no news.
				if (read.kind === 'summary') task.ownRead = true;
				task.dueAt = read.kind === 'summary' ? now : now + this.schedule.minDelayMs;
				if (read.kind === 'tasks' && now >= task.deadline) ended.push(this.end(task, { kind: 'timeout', last: task.last }));
				continue;
			}
			task.ownRead = false;
			if (news !== null) this.readClock(task, news, now);
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
		this.countWorkers(now);
		this.simulateLine(now);
		return ended;
	}

	private end(task: Tracked, outcome: WaitOutcome): { taskId: number; outcome: WaitOutcome } {
		this.tasks.delete(task.id);
		this.outcomes.set(task.id, outcome);
		return { taskId: task.id, outcome };
	}

	/** The typical run time of a flow's tasks (ms), if anything tells. */
	paceOf(flow: string | undefined): number | undefined {
		if (flow !== undefined) {
			const own = median(this.runTimes.get(flow) ?? []);
			if (own !== undefined) return own;
			// Another flow's pace says little about this one: its first reports tell more.
			return median(this.reportedPace.get(flow) ?? []);
		}
		return median([...this.runTimes.values()].flat());
	}

	/**
	 * What the server's timestamps say of its clock: it wrote `updated_at`, `locked_at` and
	 * `finished_at` before answering (the offset is at least their distance to the answer), and a
	 * task seen unfinished (or queued) by an earlier read ended (or started) after that read was sent.
	 */
	private readClock(task: Tracked, news: TaskDetails, answeredAt: number): void {
		const updated = serverTime(news.updated_at);
		const locked = serverTime(news.locked_at);
		const finished = serverTime(news.finished_at);
		for (const stamp of [updated, locked, finished]) {
			if (stamp !== undefined) this.clockOffsetLow = Math.max(this.clockOffsetLow, stamp - answeredAt);
		}
		if (task.lastSentAt !== undefined) {
			if (finished !== undefined && task.state !== 'unknown') this.clockOffsetHigh = Math.min(this.clockOffsetHigh, finished - task.lastSentAt);
			if (locked !== undefined && task.state === 'queued' && task.lastReadAt !== undefined) this.clockOffsetHigh = Math.min(this.clockOffsetHigh, locked - task.lastSentAt);
			// A progress report newer than the last read was written after that read was sent.
			if (updated !== undefined && task.last !== undefined && news.progress > task.last.progress) this.clockOffsetHigh = Math.min(this.clockOffsetHigh, updated - task.lastSentAt);
		}
	}

	/**
	 * A server timestamp on this clock, once the answers have bounded the offset within
	 * {@link CLOCK_WINDOW_MS}: reads just before and just after a task's end do that.
	 */
	private localTime(stamp: number | undefined): number | undefined {
		const window = this.clockOffsetHigh - this.clockOffsetLow;
		if (stamp === undefined || !(window >= 0 && window <= CLOCK_WINDOW_MS)) return undefined;
		return stamp - (this.clockOffsetLow + this.clockOffsetHigh) / 2;
	}

	/** The start of a task first read running or done: the server's lock time, else the line's guess, within what its reports allow. */
	private startOf(task: Tracked, reportedMs: number, now: number, news?: TaskDetails): number {
		const latest = now - reportedMs;
		const earliest = Math.min(task.queuedAt ?? -Infinity, latest);
		if (task.state === 'running' && task.startedAt !== undefined) return task.startedAt;
		const finished = serverTime(news?.finished_at);
		const stamped = this.localTime(serverTime(news?.locked_at) ?? (finished !== undefined ? finished - reportedMs : undefined));
		if (stamped !== undefined) return clamp(stamped, earliest, latest);
		if (task.state === 'queued' && !task.onSpareWorker && task.startedAt !== undefined) return clamp(task.startedAt, earliest, latest);
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

	private finished(task: Tracked, news: TaskDetails, status: 'completed' | 'failed', now: number): void {
		const runMs = Math.max(0, news.execution_time) * 1000;
		if (status === 'completed' && runMs > 0 && task.flow !== undefined) {
			this.runTimes.set(task.flow, [...(this.runTimes.get(task.flow) ?? []), runMs]);
		}
		const from = this.startOf(task, runMs, now, news);
		this.ran.push({ from, to: Math.min(now, from + runMs) });
	}

	private seenRunning(task: Tracked, news: TaskDetails, now: number): void {
		const reportedMs = Math.max(0, news.execution_time) * 1000;
		const wasOnSpare = task.state === 'queued' && task.onSpareWorker;
		task.startedAt = this.startOf(task, reportedMs, now, news);
		// Given to a spare worker, but it started when a known worker became free: no sign of a spare one.
		if (wasOnSpare && this.ran.some((span) => span.to === task.startedAt)) this.noSpareWorker = true;
		task.state = 'running';
		task.onSpareWorker = false;
		const flow = task.flow;
		if (flow !== undefined && !this.runTimes.has(flow) && news.progress >= 1 && reportedMs > 0) {
			this.reportedPace.set(flow, [...(this.reportedPace.get(flow) ?? []), (reportedMs * 100) / news.progress]);
		}
		task.dueAt = this.nextLookAtRunning(task, now);
	}

	/**
	 * When to read a running task again: a little past its flow's typical run time (a quarter of the
	 * way from the median to the slowest finished task: most tasks have ended by then, and the
	 * earliest ones were not done long before), then when the slowest would have ended, then at
	 * short steps until it ends.
	 */
	private nextLookAtRunning(task: Tracked, now: number): number {
		const { minDelayMs, maxDelayMs, shareOfTaskTime } = this.schedule;
		const pace = this.paceOf(task.flow);
		const start = task.startedAt ?? now;
		let at: number;
		if (pace === undefined) {
			at = now + clamp(Math.max(FIRST_LOOK_MS - (now - start), 0.25 * (now - start)), minDelayMs, maxDelayMs);
		} else {
			const step = clamp(Math.max(pace, now - start) * shareOfTaskTime, minDelayMs, maxDelayMs);
			const slowest = Math.max(pace, ...(this.runTimes.get(task.flow!) ?? []));
			const looks = [start + pace + Math.min((slowest - pace) / 4, step), start + slowest];
			// Past them it is slower than its flow's tasks: read again after a share of the time it has
			// run so far, so a task far slower than the others is read ever less often.
			// (Progress reports are no clock: workers report unevenly, e.g. 55.5 % at half time.)
			const next = looks.find((look) => look > now + minDelayMs / 2);
			at = next !== undefined && next <= now + step ? next : next !== undefined && now - start < pace ? next : now + step;
		}
		return Math.min(at, now + maxDelayMs, task.deadline);
	}

	private seenQueued(task: Tracked, now: number): void {
		// The line had given it to a worker the wait was not sure of: there is none.
		if (task.state === 'queued' && task.onSpareWorker) this.noSpareWorker = true;
		task.state = 'queued';
		task.startedAt = undefined;
		task.startRange = undefined;
		task.queuedAt = now;
	}

	/** The most of this wait's tasks that ran at the same time (finished ones by their run, running ones until now). */
	private countWorkers(now: number): void {
		const spans = [...this.ran];
		for (const task of this.tasks.values()) {
			if (task.state === 'running' && task.startedAt !== undefined) spans.push({ from: task.startedAt, to: now + 1 });
		}
		// Starts and ends are estimates: only a clear overlap counts as another worker.
		const edges = spans.flatMap(({ from, to }) => {
			const margin = Math.min(200, 0.1 * (to - from));
			return to - from > 2 * margin ? [
				{ at: from + margin, step: 1 },
				{ at: to - margin, step: -1 },
			] : [];
		});
		edges.sort((a, b) => a.at - b.at || a.step - b.step);
		let running = 0;
		let most = 0;
		for (const { step } of edges) {
			running += step;
			most = Math.max(most, running);
		}
		if (most > this.workersSeen) {
			this.workersSeen = most;
			this.noSpareWorker = false;
		}
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
		const slots: Slot[] = running.map((task) => ({ at: Math.max(now, (task.startedAt ?? now) + (this.paceOf(task.flow) ?? FIRST_LOOK_MS)), spare: false }));
		const recentEnds = this.ran.map((span) => span.to).sort((a, b) => b - a);
		const busy = Math.max(1, this.workersSeen);
		for (let index = 0; slots.length < busy; index++) slots.push({ at: recentEnds[index] ?? earliestQueued, spare: false });
		if (!this.noSpareWorker) slots.push({ at: earliestQueued, spare: true });

		queued.sort((a, b) => b.priority - a.priority || a.id - b.id);
		// A flow of unknown pace gets one first look; its other tasks wait for what that one tells.
		const firstLooks = new Set(running.filter((task) => this.paceOf(task.flow) === undefined).map((task) => task.flow));
		for (const task of queued) {
			const slot = slots.reduce((best, candidate) => (candidate.at < best.at ? candidate : best));
			const start = Math.max(slot.at, task.queuedAt ?? now);
			const pace = this.paceOf(task.flow);
			const end = start + (pace ?? (firstLooks.has(task.flow) ? 2 * FIRST_LOOK_MS : FIRST_LOOK_MS));
			if (pace === undefined) firstLooks.add(task.flow);
			task.startedAt = start;
			task.onSpareWorker = slot.spare;
			slot.at = end;
			slot.spare = false;
			const checkBy = (task.queuedAt ?? now) + QUEUED_CHECK_MS;
			const notBefore = (task.lastReadAt ?? -Infinity) + minDelayMs;
			task.dueAt = Math.min(Math.max(end, notBefore), checkBy, task.deadline);
		}
	}

	private taskCost(flow: string): number {
		return this.taskBytes.get(flow) ?? DEFAULT_TASK_BYTES;
	}

	/**
	 * What a summary of one flow and group would weigh: its last answer's size, or, never read, an
	 * upper bound: every task id up to the highest known could be one of its entries (ids are
	 * global, so a server with a long history gives a large bound until a summary says otherwise).
	 */
	private summaryCost(key: string): number {
		const known = this.summaryBytes.get(key);
		if (known !== undefined) return known;
		const highestId = Math.max(0, ...this.tasks.keys(), ...this.outcomes.keys());
		return highestId * this.summaryEntryBytes;
	}
}

/** The server's naive UTC timestamps (`2026-11-27T05:32:42.653742`) in ms. */
function serverTime(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
	return Number.isFinite(ms) ? ms : undefined;
}

function groupKey(flow: string, groupScope: number): string {
	return `${groupScope}\u0000${flow}`;
}

export async function waitForTasks(
	targets: WaitTarget[],
	schedule: PollSchedule,
	deps: WaitDependencies,
): Promise<Map<number, WaitOutcome>> {
	const plan = new WaitPlan(targets, schedule, deps.now());
	while (plan.pending.length > 0) {
		deps.signal?.throwIfAborted();
		const now = deps.now();
		const reads = plan.readsDue(now);
		if (reads.length > 0) {
			const results = await Promise.all(reads.map(async (read) => await deps.fetchTasks(read)));
			const answeredAt = deps.now();
			for (const [index, read] of reads.entries()) {
				for (const { outcome } of plan.learn(read, results[index], answeredAt, now)) {
					if (outcome.kind === 'completed') deps.onCompleted?.(outcome.task);
				}
			}
			deps.onTick?.(plan.pending);
			if (plan.pending.length === 0) break;
		}
		const wakeAt = plan.wakeAt()!;
		await deps.sleep(Math.max(1, wakeAt - deps.now()), deps.signal);
	}
	return plan.outcomes;
}
