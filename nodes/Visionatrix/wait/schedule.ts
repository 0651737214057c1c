import type { TaskDetails } from '../shared/types';

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

export const DEFAULT_SCHEDULE: PollSchedule = {
	minDelayMs: 150,
	maxDelayMs: 5000,
	shareOfTaskTime: 0.12,
};

/** A queued task is read at least this often: a queued task cancelled or deleted is reported within 30 s. */
export const QUEUED_CHECK_MS = 25_000;
/** The first look at a task that has just started, when nothing tells how long its flow takes. */
export const FIRST_LOOK_MS = 400;
/** A task's end is noticed within about this much (ms): the first look comes when the quickest task of its flow would have ended this long before. */
export const NOTICE_WITHIN_MS = 250;
/** How much a flow's run times are taken to vary (±) while fewer than two of its tasks have finished. */
export const UNSEEN_SPREAD = 0.1;
/** Tasks due within this much of each other are read in the same tick. */
export const SAME_TICK_MS = 30;

/** The lower median: with run times that vary, a look a little early costs a read, a little late costs detection time. */
export function median(values: readonly number[]): number | undefined {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

export function clamp(value: number, low: number, high: number): number {
	return Math.min(high, Math.max(low, value));
}

export interface Tracked {
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
export interface Slot {
	at: number;
	spare: boolean;
}
