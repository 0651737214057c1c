import type { TaskDetails } from '../shared/types';

/**
 * Waiting for many tasks at once on a server others share, reading only what can have changed.
 *
 * A running task is read around its expected end: its start plus the run time of its flow's
 * finished tasks, or what the worker's progress reports suggest (flowPace.ts). A queued task is
 * read when a worker is expected to have taken it: the server hands queued tasks out by priority,
 * then the flow a worker ran last, in no promised order after that (Visionatrix
 * `get_incomplete_task_without_error_query`), and other users' tasks, which a user cannot see,
 * take workers too. So the wait keeps a guess of the line (queueLine.ts): the workers it has seen
 * busy take its queued tasks by priority, then in the order it last saw the server follow, each as
 * one of its tasks ends. When the task expected next is found still queued, the wait looks at its
 * other queued tasks (one summary filtered by flow and group scope when the last answers' sizes
 * say it is cheaper, else the few most likely); when none has started, other work holds the
 * workers: the next look comes when a visible task of that work ends, else after a pause that
 * grows toward the Max Poll Interval. One of the wait's tasks ending brings the next look forward.
 *
 * With node version 1.2 (`watchQueue`) a queue that does not move ends the wait with its cause:
 * no worker can run the flow (the flows list's `is_supported_by_workers`, read when the wait
 * starts and after every {@link QUIET_MS} in which none of its tasks started or reported), or a
 * running task's worker has gone silent for {@link STALL_MS}. Everything here is pure: the clock
 * and the reads are injected.
 */

export type WaitOutcome =
	| { kind: 'completed'; task: TaskDetails }
	| { kind: 'failed'; task: TaskDetails }
	| { kind: 'missing' }
	/** Past its deadline: the whole wait's (`limit: 'wait'`) or its own run's (`limit: 'run'`). */
	| { kind: 'timeout'; limit: 'wait' | 'run'; last?: TaskDetails; ahead?: number }
	/** Running, but its worker sent no report for {@link STALL_MS}. */
	| { kind: 'stalled'; last: TaskDetails }
	/** Still queued, and no connected worker can run its flow. */
	| { kind: 'noWorker'; flow: string; last?: TaskDetails; ahead?: number };

export interface WaitTarget {
	taskId: number;
	/** When to give up on this task (ms since the epoch); Infinity: not before it runs. */
	deadline: number;
	/** Node version 1.2: how long (ms) the task may run once a worker has taken it. */
	runLimitMs?: number;
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

/** Node version 1.2's rules for a queue that does not move. */
export interface QueueRules {
	/** The flows whose workers the caller has already checked (Create does, before it creates). */
	checkedFlows: readonly string[];
}

/** The first look at a task that has just started, when nothing tells how long its flow takes. */
export const FIRST_LOOK_MS = 400;
/** A task's end is noticed within about this much (ms): the first look comes when the quickest task of its flow would have ended this long before. */
export const NOTICE_WITHIN_MS = 250;
/** How much a flow's run times are taken to vary (±) while fewer than two of its tasks have finished. */
export const UNSEEN_SPREAD = 0.1;
/** Tasks due within this much of each other are read in the same tick. */
export const SAME_TICK_MS = 30;
/** Version 1.2: none of the wait's tasks started or reported for this long: are there workers for its flows? */
export const QUIET_MS = 120_000;
/** Version 1.2: a running task whose worker sent no report for this long has lost its worker. */
export const STALL_MS = 300_000;

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
	/** When to give up on it (ms); Infinity: not yet (version 1.2, before it runs). */
	deadline: number;
	runLimitMs?: number;
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
	/** Queued, and the line gives it to a worker the wait is not sure exists (see queueLine.ts). */
	onSpareWorker: boolean;
	/** Absent from its flow's summary: the next read is its own. */
	ownRead: boolean;
	lastReadAt?: number;
	/** When the last read of it was sent. */
	lastSentAt?: number;
	/** Running: when its latest progress report was first seen (version 1.2's silence rule). */
	reportSeenAt?: number;
	dueAt: number;
	last?: TaskDetails;
}

/** A task as the wait starts on it: queued if the caller just created it, else not known yet. */
export function trackedTarget(target: WaitTarget, now: number): Tracked {
	return {
		id: target.taskId,
		deadline: target.deadline,
		runLimitMs: target.runLimitMs,
		flow: target.flow,
		groupScope: target.groupScope,
		priority: 0,
		state: target.createdAt !== undefined ? 'queued' : 'unknown',
		queuedAt: target.createdAt,
		onSpareWorker: false,
		ownRead: false,
		dueAt: now,
	};
}

/** Giving up on a task at its deadline: the whole wait's, or (version 1.2) its own run's. */
export function timeoutOf(task: Tracked): WaitOutcome {
	return {
		kind: 'timeout',
		limit: task.runLimitMs !== undefined ? 'run' : 'wait',
		last: task.last,
	};
}

/** The line gave the task to a worker it counts on before the read was sent. */
export function expectedStarted(task: Tracked, sentAt: number): boolean {
	return (
		task.state === 'queued' &&
		!task.onSpareWorker &&
		task.startedAt !== undefined &&
		task.startedAt <= sentAt
	);
}

/** A worker in the line's guess: free from `at`; `spare` when the wait has not seen it busy. */
export interface Slot {
	at: number;
	spare: boolean;
	/** The flow the worker ran last: the server gives it that flow's tasks first. */
	flow?: string;
}
