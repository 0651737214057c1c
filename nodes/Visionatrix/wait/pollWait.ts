import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelTaskRoute } from '../shared/api';
import { executionCanceled, isItemError, itemError, type ItemError } from '../shared/itemErrors';
import { pause } from '../shared/pause';
import { performRead } from './waitReads';
import { outcomeMessage } from '../shared/taskOutcomes';
import { visionatrixRequest } from '../shared/transport';
import type { Outage, TaskDetails } from '../shared/types';
import { keepPatience, outageWatch } from './patience';
import { waitForTasks } from './pollLoop';
import type { ReadResult, TaskRead } from './readChoice';
import { DEFAULT_SCHEDULE, type WaitOutcome, type WaitTarget } from './schedule';

/** The poll wait: all the items' tasks waited for together, reading only the tasks that can have changed (waitPlan.ts). */

/** One task of one input item. */
export interface TaskOfItem {
	itemIndex: number;
	taskId: number;
	/** Known when this execution created the task: its flow and group scope, and when (ms) it was queued. */
	flow?: string;
	groupScope?: number;
	createdAt?: number;
}

/** The options the poll wait takes, defaulted (waitOptions.ts reads them). */
export interface WaitSettings {
	/** Seconds; the longest pause between two progress checks. */
	pollInterval: number;
	/** Seconds. */
	timeout: number;
	/** Cancel the tasks still unfinished on the server when the execution is stopped. */
	cancelOnStop: boolean;
}

function outcomeError(
	this: IExecuteFunctions,
	itemIndex: number,
	taskId: number,
	outcome: Exclude<WaitOutcome, { kind: 'completed' }>,
	timeoutSeconds: number,
	outage?: Outage,
): ItemError {
	const { message, description } = outcomeMessage(
		outcome.kind === 'timeout'
			? { kind: 'timeout', taskId, timeoutSeconds, last: outcome.last, outage }
			: outcome.kind === 'failed'
				? { kind: 'failed', taskId, task: outcome.task }
				: { kind: 'missing', taskId },
	);
	return itemError(this.getNode(), itemIndex, message, description);
}

/** The longest pause between two reads: the shortest Poll Interval, within the schedule's bounds. */
function longestPause(
	tasks: TaskOfItem[],
	settingsOf: (itemIndex: number) => WaitSettings,
): number {
	const bounds = tasks.map(({ itemIndex }) => settingsOf(itemIndex).pollInterval * 1000);
	return Math.max(
		DEFAULT_SCHEDULE.minDelayMs,
		Math.min(DEFAULT_SCHEDULE.maxDelayMs * 12, ...bounds),
	);
}

/** Each task's deadline: the latest of its items' (several items can wait on one task). */
function taskDeadlines(
	tasks: TaskOfItem[],
	deadlineOf: (itemIndex: number) => number,
): Map<number, number> {
	const deadlines = new Map<number, number>();
	for (const { taskId, itemIndex } of tasks)
		deadlines.set(taskId, Math.max(deadlineOf(itemIndex), deadlines.get(taskId) ?? 0));
	return deadlines;
}

/** The tasks as the poll loop takes them, each with its item's deadline. */
function waitTargets(tasks: TaskOfItem[], deadlineOf: (itemIndex: number) => number): WaitTarget[] {
	return tasks.map(({ taskId, itemIndex, flow, groupScope, createdAt }) => ({
		taskId,
		deadline: deadlineOf(itemIndex),
		flow,
		groupScope,
		createdAt,
	}));
}

/** After a stop: cancels the tasks still pending whose items ask for it; the error the execution ends with. */
async function stopped(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	pending: number[],
	settingsOf: (itemIndex: number) => WaitSettings,
): Promise<NodeOperationError> {
	const toCancel = tasks.filter(
		(t) => pending.includes(t.taskId) && settingsOf(t.itemIndex).cancelOnStop,
	);
	await cancelTasks.call(
		this,
		toCancel.map((t) => t.taskId),
	);
	return executionCanceled(this);
}

/** Waits for all the tasks together; for each: its final state, or the item's error. */
export async function waitStep(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	settingsOf: (itemIndex: number) => WaitSettings,
	onCompleted?: (task: TaskDetails) => void,
): Promise<Array<TaskDetails | ItemError>> {
	const start = Date.now();
	const timeoutOf = (itemIndex: number) => settingsOf(itemIndex).timeout;
	const maxDelayMs = longestPause(tasks, settingsOf);
	const signal = this.getExecutionCancelSignal();

	const deadlineOf = (itemIndex: number) => start + timeoutOf(itemIndex) * 1000;
	const deadlines = taskDeadlines(tasks, deadlineOf);
	// A read that finds the server down is tried again until it answers; at the nearest deadline
	// the wait sees no news (its tasks past their Timeout end, the others wait on).
	const watch = outageWatch(this, maxDelayMs);
	keepPatience(this, { watch, deadlineOf });
	// A read that gets no answer until then leaves its tasks out: no news for them this time.
	const readStates = async (read: TaskRead): Promise<ReadResult> =>
		await watch.read(
			async () => await performRead.call(this, read, signal),
			Math.min(...read.taskIds.map((id) => deadlines.get(id) ?? start)),
			() => ({ states: new Map<number, TaskDetails | null>() }),
		);

	let pending = tasks.map((t) => t.taskId);
	let outcomes;
	try {
		outcomes = await waitForTasks(
			waitTargets(tasks, deadlineOf),
			{ ...DEFAULT_SCHEDULE, maxDelayMs },
			{
				fetchTasks: readStates,
				sleep: pause,
				now: Date.now,
				signal,
				onTick: (ids) => (pending = ids),
				onCompleted,
			},
		);
	} catch (error) {
		if (signal?.aborted) throw await stopped.call(this, tasks, pending, settingsOf);
		// A shared read that failed for good (401, unreachable server, …) is every waiting item's error.
		if (isItemError(error)) return tasks.map(() => error);
		throw error as NodeOperationError;
	}
	return tasks.map(({ taskId, itemIndex }) => {
		const outcome = outcomes.get(taskId)!;
		return outcome.kind === 'completed'
			? outcome.task
			: outcomeError.call(this, itemIndex, taskId, outcome, timeoutOf(itemIndex), watch.current);
	});
}

/**
 * Best effort, after a stop: removes the tasks from the server's queue so no GPU time goes to them.
 * n8n attaches the execution's (now aborted) cancel signal to the requests of the node's own
 * context, so these go through a context that has only the credential and the request helpers.
 */
async function cancelTasks(this: IExecuteFunctions, taskIds: number[]): Promise<void> {
	if (taskIds.length === 0) return;
	const detached = {
		getCredentials: this.getCredentials.bind(this),
		getNode: this.getNode.bind(this),
		helpers: this.helpers,
	} as unknown as IExecuteFunctions;
	await Promise.allSettled(
		taskIds.map(
			async (taskId) =>
				await visionatrixRequest.call(
					detached,
					{ ...cancelTaskRoute(taskId), timeout: 10_000 },
					{ doing: `cancel task ${taskId}`, taskId, sent: true },
				),
		),
	);
}
