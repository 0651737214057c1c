import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { taskProgressJson } from '../../resources/task/progressFunctions';
import { concurrencyLimit } from '../../shared/concurrency';
import { pause } from '../../shared/pause';
import { DEFAULT_SCHEDULE, waitForTasks, type WaitOutcome } from '../../shared/polling';
import { downloadResultFile, resultFiles, type DownloadedFile } from '../../shared/results';
import { fetchTaskStates, performRead } from '../../shared/taskClient';
import { visionatrixRequest } from '../../shared/transport';
import { invalidTaskIdError } from '../../shared/errors';
import { parseTaskId, taskStatus } from '../../shared/taskStatus';
import { DEFAULT_TIMEOUT_SECONDS } from '../../shared/descriptions';
import type { TaskDetails } from '../../shared/types';

/**
 * The steps the task operations are made of (create → wait → download), each over all items at
 * once: the wait reads only the tasks that can have changed (polling.ts), downloads go with bounded concurrency.
 * A step's failure for one item is kept as that item's error; the other items go on.
 */

export type ItemError = NodeOperationError | NodeApiError;

/** One task of one input item. */
export interface TaskOfItem {
	itemIndex: number;
	taskId: number;
	/** Known when this execution created the task: its flow and group scope, and when (ms) it was queued. */
	flow?: string;
	groupScope?: number;
	createdAt?: number;
}

export interface WaitSettings {
	/** Seconds; the longest pause between two progress checks. */
	pollInterval?: number;
	/** Seconds. */
	timeout?: number;
	/** Cancel the tasks still unfinished on the server when the execution is stopped. */
	cancelOnStop?: boolean;
}

export const DEFAULT_CONCURRENCY = 4;

/** The error a stopped execution ends with; n8n files an error whose message says "canceled" as a stop, not a failure. */
export function executionCanceled(context: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'The execution was canceled');
}

export function isItemError(value: unknown): value is ItemError {
	return value instanceof NodeOperationError || value instanceof NodeApiError;
}

export function itemFailure(
	this: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), `${message} [item ${itemIndex}]`, { itemIndex, description });
}

/** An error as the item's error; a stopped execution still ends the whole operation, as n8n expects. */
export function asItemError(context: IExecuteFunctions, itemIndex: number, error: unknown): ItemError {
	if (context.getExecutionCancelSignal()?.aborted) throw executionCanceled(context);
	if (isItemError(error)) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** The work's result, or its error kept as the item's error. */
export async function settle<T>(context: IExecuteFunctions, itemIndex: number, work: () => Promise<T>): Promise<T | ItemError> {
	try {
		return await work();
	} catch (error) {
		return asItemError(context, itemIndex, error);
	}
}

/** Continue On Fail: the failed item goes on as an error item; otherwise the error stops the node. */
export function failedItem(this: IExecuteFunctions, error: ItemError, itemIndex: number, json: IDataObject = {}): INodeExecutionData {
	if (!this.continueOnFail()) throw error;
	return { json: { ...json, error: error.message }, error, pairedItem: { item: itemIndex } };
}

/** Each item's Task ID; a bad one is that item's error. */
export function readTaskIds(this: IExecuteFunctions): Array<number | ItemError> {
	return this.getInputData().map((item, itemIndex) => {
		const raw = this.getNodeParameter('taskId', itemIndex);
		// An item that already failed in an earlier step (Continue On Fail) carries only its error
		// (n8n keeps nothing else of it): it goes on as that same error, which names its task.
		const earlier = item.json.error;
		if ((raw === undefined || raw === '') && typeof earlier === 'string') {
			return new NodeOperationError(this.getNode(), earlier, { itemIndex, description: 'This item failed in an earlier step.' });
		}
		return parseTaskId(raw) ?? invalidTaskIdError(this.getNode(), raw, itemIndex);
	});
}

function outcomeError(this: IExecuteFunctions, itemIndex: number, taskId: number, outcome: Exclude<WaitOutcome, { kind: 'completed' }>, timeoutSeconds: number): ItemError {
	switch (outcome.kind) {
		case 'failed':
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} failed on the Visionatrix server: ${outcome.task.error}`,
				'The flow stopped with this error. Check the inputs, then restart the task in Visionatrix or create a new one.',
			);
		case 'missing':
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} does not exist on the Visionatrix server`,
				'It was deleted or cancelled, or it belongs to another user: Visionatrix shows each user only their own tasks.',
			);
		case 'timeout': {
			const last = outcome.last ? ` (last progress ${outcome.last.progress}%)` : '';
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} did not finish within ${timeoutSeconds} seconds${last}`,
				'The task goes on running on the server. Raise Timeout in the options (video flows can need far more than 10 minutes), or get its results later.',
			);
		}
	}
}

/** Waits for all the tasks together; for each: its final state, or the item's error. */
export async function waitStep(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
	settingsOf: (itemIndex: number) => WaitSettings,
	onCompleted?: (task: TaskDetails) => void,
): Promise<Array<TaskDetails | ItemError>> {
	const start = Date.now();
	const timeoutOf = (itemIndex: number) => settingsOf(itemIndex).timeout ?? DEFAULT_TIMEOUT_SECONDS;
	const bounds = tasks.map(({ itemIndex }) => (settingsOf(itemIndex).pollInterval ?? DEFAULT_SCHEDULE.maxDelayMs / 1000) * 1000);
	const maxDelayMs = Math.max(DEFAULT_SCHEDULE.minDelayMs, Math.min(DEFAULT_SCHEDULE.maxDelayMs * 12, ...bounds));
	const signal = this.getExecutionCancelSignal();

	let pending = tasks.map((t) => t.taskId);
	let outcomes;
	try {
		outcomes = await waitForTasks(
			tasks.map(({ taskId, itemIndex, flow, groupScope, createdAt }) => ({ taskId, deadline: start + timeoutOf(itemIndex) * 1000, flow, groupScope, createdAt })),
			{ ...DEFAULT_SCHEDULE, maxDelayMs },
			{
				fetchTasks: async (read) => await performRead.call(this, read, signal),
				sleep: pause,
				now: Date.now,
				signal,
				onTick: (ids) => (pending = ids),
				onCompleted,
			},
		);
	} catch (error) {
		if (signal?.aborted) {
			const toCancel = tasks.filter((t) => pending.includes(t.taskId) && settingsOf(t.itemIndex).cancelOnStop);
			await cancelTasks.call(this, toCancel.map((t) => t.taskId));
			throw executionCanceled(this);
		}
		// A shared read that failed for good (401, unreachable server, …) is every waiting item's error.
		if (isItemError(error)) return tasks.map(() => error);
		throw error as NodeOperationError;
	}
	return tasks.map(({ taskId, itemIndex }) => {
		const outcome = outcomes.get(taskId)!;
		return outcome.kind === 'completed' ? outcome.task : outcomeError.call(this, itemIndex, taskId, outcome, timeoutOf(itemIndex));
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
					{ method: 'DELETE', path: `/tasks/queue/${taskId}`, timeout: 10_000 },
					{ doing: `cancel task ${taskId}`, taskId, sent: true },
				),
		),
	);
}

/**
 * Each task's details if it is completed, or why it has no results: each task read on its own (its
 * flow is not known before, and a summary of every flow would cost everything the user ever ran).
 */
export async function completedTasks(this: IExecuteFunctions, tasks: TaskOfItem[]): Promise<Array<TaskDetails | ItemError>> {
	let states: Map<number, TaskDetails | null>;
	try {
		states = await fetchTaskStates.call(this, [...new Set(tasks.map((t) => t.taskId))], this.getExecutionCancelSignal());
	} catch (error) {
		const failure = asItemError(this, tasks[0]?.itemIndex ?? 0, error);
		return tasks.map(() => failure);
	}
	return tasks.map(({ taskId, itemIndex }) => {
		const task = states.get(taskId);
		if (!task) {
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} does not exist on the Visionatrix server`,
				'It was deleted or cancelled, or it belongs to another user: Visionatrix shows each user only their own tasks.',
			);
		}
		const status = taskStatus(task);
		if (status === 'failed') {
			return itemFailure.call(this, itemIndex, `Task ${taskId} failed on the Visionatrix server and has no results: ${task.error}`, 'Check the inputs, then restart the task in Visionatrix or create a new one.');
		}
		if (status !== 'completed') {
			return itemFailure.call(this, itemIndex, `Task ${taskId} is not completed yet (${status}, progress ${task.progress}%)`, 'Put a Visionatrix "Wait for Completion" step before Get Results.');
		}
		return task;
	});
}

/** Downloads every result file of one completed task, each file through the shared gate. */
export async function downloadTaskFiles(
	this: IExecuteFunctions,
	task: TaskDetails,
	itemIndex: number,
	gate: ReturnType<typeof concurrencyLimit>,
): Promise<DownloadedFile[] | ItemError> {
	const signal = this.getExecutionCancelSignal();
	const files = await Promise.all(
		resultFiles(task).map(
			async (file) => await gate(async () => await settle(this, itemIndex, async () => await downloadResultFile.call(this, file, itemIndex, signal))),
		),
	);
	return files.find(isItemError) ?? (files as DownloadedFile[]);
}

/** Downloads every result file of each completed task, a bounded number at a time. */
export async function downloadStep(this: IExecuteFunctions, tasks: Array<{ itemIndex: number; task: TaskDetails }>, concurrency = DEFAULT_CONCURRENCY): Promise<Array<DownloadedFile[] | ItemError>> {
	const gate = concurrencyLimit(concurrency);
	return await Promise.all(tasks.map(async ({ task, itemIndex }) => await downloadTaskFiles.call(this, task, itemIndex, gate)));
}

function fileJson(file: DownloadedFile, flow: string): IDataObject {
	return {
		task_id: file.taskId,
		flow,
		node_id: file.nodeId,
		batch_index: file.batchIndex,
		type: file.type,
		file_name: file.binary.fileName,
		mime_type: file.binary.mimeType,
		file_size: file.size,
	};
}

export interface ResultItemSettings {
	binaryPropertyName: string;
	allFilesInOneItem: boolean;
}

/** A task's files as output items: one per file, or all in one (`data_0`, `data_1`, …). */
export function resultItems(files: DownloadedFile[], task: TaskDetails, itemIndex: number, settings: ResultItemSettings): INodeExecutionData[] {
	const property = settings.binaryPropertyName;
	if (!settings.allFilesInOneItem) {
		return files.map((file) => ({ json: fileJson(file, task.name), binary: { [property]: file.binary }, pairedItem: { item: itemIndex } }));
	}
	const binary: Record<string, IBinaryData> = {};
	const fileList = files.map((file, index) => {
		binary[`${property}_${index}`] = file.binary;
		return { binary_property: `${property}_${index}`, ...fileJson(file, task.name) };
	});
	return [{ json: { task_id: task.task_id, flow: task.name, status: 'completed', files: fileList } as IDataObject, binary, pairedItem: { item: itemIndex } }];
}

/** The final state of a task as Wait for Completion outputs it. */
export function finalStateItem(task: TaskDetails, itemIndex: number): INodeExecutionData {
	return { json: taskProgressJson(task, true), pairedItem: { item: itemIndex } };
}
