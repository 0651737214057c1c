import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelTaskRoute } from '../shared/api';
import { flowsSupport } from '../shared/flowCatalog';
import {
	executionCanceled,
	isItemError,
	itemError,
	withItemJson,
	type ItemError,
} from '../shared/itemErrors';
import { pause } from '../shared/pause';
import { outcomeMessage, type TaskOutcome } from '../shared/taskOutcomes';
import { taskStatus } from '../shared/taskStatus';
import { visionatrixRequest } from '../shared/transport';
import type { Outage, TaskDetails } from '../shared/types';
import type { OutageWatch } from './outage';
import { keepPatience, outageWatch } from './patience';
import { waitForTasks } from './pollLoop';
import type { ReadResult, TaskRead } from './readChoice';
import {
	DEFAULT_SCHEDULE,
	QUIET_MS,
	type QueueRules,
	type WaitOutcome,
	type WaitTarget,
} from './schedule';
import { performRead } from './waitReads';

/**
 * The poll wait: all the items' tasks waited for together, reading only the tasks that can have
 * changed (schedule.ts). What Timeout means depends on the node's version: up to 1.1 one deadline
 * for the whole wait; from 1.2 the longest one task may run once a worker took it, with the queue
 * watched instead (a queue with no worker for its flow, a worker gone silent, end the wait).
 */

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
	/** What Timeout counts: the whole wait (versions 1 and 1.1) or each task's own run (1.2). */
	timeoutCounts: 'wait' | 'run';
	/** Cancel the tasks still unfinished on the server when the execution is stopped; from 1.2 also those the wait gives up on. */
	cancelOnStop: boolean;
}

type SettingsOf = (itemIndex: number) => WaitSettings;

/** The outcomes the wait gives up on a task with, which version 1.2 cancels when asked to. */
const GIVEN_UP = new Set<WaitOutcome['kind']>(['timeout', 'stalled', 'noWorker']);

/** An outcome as the user reads it: the message table's entry for it. */
function taskOutcome(
	taskId: number,
	outcome: Exclude<WaitOutcome, { kind: 'completed' }>,
	timeoutSeconds: number,
	extra: { outage?: Outage; cancelled: boolean },
): TaskOutcome {
	switch (outcome.kind) {
		case 'timeout':
			return { ...outcome, taskId, timeoutSeconds, ...extra };
		case 'stalled':
		case 'noWorker':
			return { ...outcome, taskId, cancelled: extra.cancelled };
		case 'failed':
			return { kind: 'failed', taskId, task: outcome.task };
		case 'missing':
			return { kind: 'missing', taskId };
	}
}

/** The item's error for a task that gave no result, with the task's id, flow and last state in its JSON. */
function outcomeError(
	this: IExecuteFunctions,
	{ itemIndex, taskId, flow }: TaskOfItem,
	outcome: Exclude<WaitOutcome, { kind: 'completed' }>,
	timeoutSeconds: number,
	extra: { outage?: Outage; cancelled: boolean },
): ItemError {
	const { message, description } = outcomeMessage(
		taskOutcome(taskId, outcome, timeoutSeconds, extra),
	);
	// Its last state as read (a task never read, or gone from the server, has none).
	const last = 'task' in outcome ? outcome.task : outcome.kind !== 'missing' ? outcome.last : null;
	const name = last?.name ?? flow;
	return withItemJson(itemError(this.getNode(), itemIndex, message, description), {
		task_id: taskId,
		...(name !== undefined ? { flow: name } : {}),
		...(last ? { status: taskStatus(last), progress: last.progress } : {}),
	});
}

/** The longest pause between two reads: the shortest Poll Interval, within the schedule's bounds. */
function longestPause(tasks: TaskOfItem[], settingsOf: SettingsOf): number {
	const bounds = tasks.map(({ itemIndex }) => settingsOf(itemIndex).pollInterval * 1000);
	return Math.max(
		DEFAULT_SCHEDULE.minDelayMs,
		Math.min(DEFAULT_SCHEDULE.maxDelayMs * 12, ...bounds),
	);
}

/** The tasks as the poll loop takes them: each with its item's deadline, or from 1.2 its run limit. */
function waitTargets(tasks: TaskOfItem[], settingsOf: SettingsOf, start: number): WaitTarget[] {
	return tasks.map(({ taskId, itemIndex, flow, groupScope, createdAt }) => {
		const { timeout, timeoutCounts } = settingsOf(itemIndex);
		return {
			taskId,
			...(timeoutCounts === 'run'
				? { deadline: Infinity, runLimitMs: timeout * 1000 }
				: { deadline: start + timeout * 1000 }),
			flow,
			groupScope,
			createdAt,
		};
	});
}

/**
 * The wait's reads, with one outage watch for them and the downloads that follow: a read that
 * finds the server down is tried again until it answers; at the nearest deadline (or after a quiet
 * period, when the tasks have none) the wait sees no news and goes on. The downloads wait out an
 * outage until the item's deadline, or (1.2) for Timeout.
 */
function outageReads(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	targets: WaitTarget[],
	settingsOf: SettingsOf,
	maxDelayMs: number,
): { watch: OutageWatch; readStates: (read: TaskRead) => Promise<ReadResult> } {
	const signal = this.getExecutionCancelSignal();
	const deadlineOf = (taskId: number) => targets.find((t) => t.taskId === taskId)?.deadline ?? 0;
	const watch = outageWatch(this, maxDelayMs);
	keepPatience(this, {
		watch,
		deadlineOf: (itemIndex) =>
			Math.min(
				deadlineOf(tasks.find((t) => t.itemIndex === itemIndex)?.taskId ?? 0),
				Date.now() + settingsOf(itemIndex).timeout * 1000,
			),
	});
	const readStates = async (read: TaskRead): Promise<ReadResult> =>
		await watch.read(
			async () => await performRead.call(this, read, signal),
			Math.min(Date.now() + QUIET_MS, ...read.taskIds.map(deadlineOf)),
			() => ({ states: new Map<number, TaskDetails | null>() }),
		);
	return { watch, readStates };
}

/** Waits for all the tasks together; for each: its final state, or the item's error. */
export async function waitStep(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	settingsOf: SettingsOf,
	onCompleted?: (task: TaskDetails) => void,
	checkedFlows: readonly string[] = [],
): Promise<Array<TaskDetails | ItemError>> {
	const start = Date.now();
	const targets = waitTargets(tasks, settingsOf, start);
	const maxDelayMs = longestPause(tasks, settingsOf);
	const signal = this.getExecutionCancelSignal();
	const { watch, readStates } = outageReads.call(this, tasks, targets, settingsOf, maxDelayMs);
	const runTimeout = tasks.length > 0 && settingsOf(tasks[0].itemIndex).timeoutCounts === 'run';
	const rules: QueueRules | undefined = runTimeout ? { checkedFlows } : undefined;

	let pending = tasks.map((t) => t.taskId);
	let outcomes;
	try {
		outcomes = await waitForTasks(
			targets,
			{ ...DEFAULT_SCHEDULE, maxDelayMs },
			{
				fetchTasks: readStates,
				checkWorkers: async (flows) => await flowsSupport.call(this, flows),
				sleep: pause,
				now: Date.now,
				signal,
				onTick: (ids) => (pending = ids),
				onCompleted,
			},
			rules,
		);
	} catch (error) {
		if (signal?.aborted) throw await stopped.call(this, tasks, pending, settingsOf);
		// A shared read that failed for good (401, unreachable server, …) is every waiting item's error.
		if (isItemError(error)) return tasks.map(() => error);
		throw error as NodeOperationError;
	}
	const cancelled = await cancelGivenUp.call(this, tasks, outcomes, settingsOf);
	return tasks.map((task) => {
		const outcome = outcomes.get(task.taskId)!;
		if (outcome.kind === 'completed') return outcome.task;
		return outcomeError.call(this, task, outcome, settingsOf(task.itemIndex).timeout, {
			outage: watch.current,
			cancelled: cancelled.has(task.taskId),
		});
	});
}

/** Version 1.2, Cancel Unfinished Tasks: the tasks the wait gave up on are cancelled on the server; the ids it could cancel. */
async function cancelGivenUp(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	outcomes: Map<number, WaitOutcome>,
	settingsOf: SettingsOf,
): Promise<Set<number>> {
	const toCancel = tasks.filter(({ taskId, itemIndex }) => {
		const settings = settingsOf(itemIndex);
		const kind = outcomes.get(taskId)?.kind;
		return settings.timeoutCounts === 'run' && settings.cancelOnStop && GIVEN_UP.has(kind!);
	});
	return await cancelTasks.call(this, [...new Set(toCancel.map((t) => t.taskId))]);
}

/** After a stop: cancels the tasks still pending whose items ask for it; the error the execution ends with. */
async function stopped(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	pending: number[],
	settingsOf: SettingsOf,
): Promise<NodeOperationError> {
	const toCancel = tasks.filter(
		(t) => pending.includes(t.taskId) && settingsOf(t.itemIndex).cancelOnStop,
	);
	await cancelTasks.call(this, [...new Set(toCancel.map((t) => t.taskId))]);
	return executionCanceled(this);
}

/**
 * Best effort: removes the tasks from the server's queue so no GPU time goes to them; the ids it
 * removed. After a stop n8n has aborted the execution's cancel signal, which it attaches to the
 * requests of the node's own context, so these go through a context that has only the credential
 * and the request helpers.
 */
async function cancelTasks(this: IExecuteFunctions, taskIds: number[]): Promise<Set<number>> {
	if (taskIds.length === 0) return new Set();
	const detached = {
		getCredentials: this.getCredentials.bind(this),
		getNode: this.getNode.bind(this),
		helpers: this.helpers,
	} as unknown as IExecuteFunctions;
	const results = await Promise.allSettled(
		taskIds.map(
			async (taskId) =>
				await visionatrixRequest.call(
					detached,
					{ ...cancelTaskRoute(taskId), timeout: 10_000 },
					{ doing: `cancel task ${taskId}`, taskId, sent: true },
				),
		),
	);
	return new Set(taskIds.filter((_, index) => results[index].status === 'fulfilled'));
}
