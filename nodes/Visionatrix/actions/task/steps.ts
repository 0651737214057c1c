import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { taskProgressJson } from '../../shared/taskProgress';
import { cancelTaskRoute } from '../../shared/api';
import { concurrencyLimit, DEFAULT_CONCURRENCY } from '../../shared/concurrency';
import { giveUp, OutageWatch, type Outage } from '../../wait/outage';
import { pause } from '../../shared/pause';
import { waitForTasks } from '../../wait/pollLoop';
import type { ReadResult, TaskRead } from '../../wait/readChoice';
import { DEFAULT_SCHEDULE, type WaitOutcome } from '../../wait/schedule';
import { downloadResultFile, resultFiles, type DownloadedFile, type ResultFile } from '../../shared/results';
import { fetchTaskStates, performRead } from '../../shared/taskClient';
import { visionatrixRequest } from '../../shared/transport';
import { executionCanceled, isItemError, itemError, resultOrItemError, toItemError, type ItemError } from '../../shared/itemErrors';
import { taskStatus } from '../../shared/taskStatus';
import { outcomeMessage, type TaskOutcome } from '../../shared/taskOutcomes';
import { DEFAULT_TIMEOUT_SECONDS } from '../../shared/descriptions';
import type { TaskDetails } from '../../shared/types';

/**
 * The steps the task operations are made of (create → wait → download), each over all items at
 * once: the wait reads only the tasks that can have changed (polling.ts), downloads go with bounded concurrency.
 * A step's failure for one item is kept as that item's error; the other items go on.
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

export interface WaitSettings {
	/** Seconds; the longest pause between two progress checks. */
	pollInterval?: number;
	/** Seconds. */
	timeout?: number;
	/** Cancel the tasks still unfinished on the server when the execution is stopped. */
	cancelOnStop?: boolean;
}

/** Get Results has no Timeout: it waits out a server restart for this long. */
export const GET_RESULTS_OUTAGE_SECONDS = 120;

/**
 * How long the reads of one run of the node wait out an outage: one watch for all of them (so the
 * log says once that the server stopped and started answering), and each item's deadline. Kept by
 * the node's context, so the downloads Create starts while it waits find the wait's.
 */
interface Patience {
	watch: OutageWatch;
	deadlineOf(itemIndex: number): number;
}

const patienceOfRun = new WeakMap<IExecuteFunctions, Patience>();

function outageWatch(context: IExecuteFunctions, maxDelayMs = DEFAULT_SCHEDULE.maxDelayMs): OutageWatch {
	return new OutageWatch({ logger: context.logger, nodeName: context.getNode().name, maxDelayMs, signal: context.getExecutionCancelSignal() });
}

function patienceOf(context: IExecuteFunctions): Patience {
	let patience = patienceOfRun.get(context);
	if (!patience) {
		const until = Date.now() + GET_RESULTS_OUTAGE_SECONDS * 1000;
		patience = { watch: outageWatch(context), deadlineOf: () => until };
		patienceOfRun.set(context, patience);
	}
	return patience;
}

function outcomeError(this: IExecuteFunctions, itemIndex: number, taskId: number, outcome: Exclude<WaitOutcome, { kind: 'completed' }>, timeoutSeconds: number, outage?: Outage): ItemError {
	const { message, description } = outcomeMessage(
		outcome.kind === 'timeout' ? { kind: 'timeout', taskId, timeoutSeconds, last: outcome.last, outage } : outcome.kind === 'failed' ? { kind: 'failed', taskId, task: outcome.task } : { kind: 'missing', taskId },
	);
	return itemError(this.getNode(), itemIndex, message, description);
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

	const deadlineOf = (itemIndex: number) => start + timeoutOf(itemIndex) * 1000;
	const deadlines = new Map<number, number>();
	for (const { taskId, itemIndex } of tasks) deadlines.set(taskId, Math.max(deadlineOf(itemIndex), deadlines.get(taskId) ?? 0));
	// A read that finds the server down is tried again until it answers; at the nearest deadline
	// the wait sees no news (its tasks past their Timeout end, the others wait on).
	const watch = outageWatch(this, maxDelayMs);
	patienceOfRun.set(this, { watch, deadlineOf });
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
			tasks.map(({ taskId, itemIndex, flow, groupScope, createdAt }) => ({ taskId, deadline: deadlineOf(itemIndex), flow, groupScope, createdAt })),
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
		return outcome.kind === 'completed' ? outcome.task : outcomeError.call(this, itemIndex, taskId, outcome, timeoutOf(itemIndex), watch.current);
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

/**
 * Each task's details if it is completed, or why it has no results: each task read on its own (its
 * flow is not known before, and a summary of every flow would cost everything the user ever ran).
 */
export async function completedTasks(this: IExecuteFunctions, tasks: TaskOfItem[]): Promise<Array<TaskDetails | ItemError>> {
	let states: Map<number, TaskDetails | null>;
	const ids = [...new Set(tasks.map((t) => t.taskId))];
	const { watch, deadlineOf } = patienceOf(this);
	try {
		states = await watch.read(async () => await fetchTaskStates.call(this, ids, this.getExecutionCancelSignal()), deadlineOf(0), giveUp);
	} catch (error) {
		const failure = toItemError(this, tasks[0]?.itemIndex ?? 0, error);
		return tasks.map(() => failure);
	}
	return tasks.map(({ taskId, itemIndex }) => {
		const task = states.get(taskId);
		const status = task ? taskStatus(task) : undefined;
		const outcome: TaskOutcome | undefined = !task
			? { kind: 'missing', taskId }
			: status === 'failed'
				? { kind: 'failedNoResults', taskId, task }
				: status !== 'completed'
					? { kind: 'notCompleted', taskId, status: status!, task }
					: undefined;
		if (outcome) {
			const { message, description } = outcomeMessage(outcome);
			return itemError(this.getNode(), itemIndex, message, description);
		}
		return task!;
	});
}

/** Downloads every result file of one completed task, each file through the shared gate; an outage is waited out up to the item's deadline. */
export async function downloadTaskFiles(
	this: IExecuteFunctions,
	task: TaskDetails,
	itemIndex: number,
	gate: ReturnType<typeof concurrencyLimit>,
): Promise<DownloadedFile[] | ItemError> {
	const signal = this.getExecutionCancelSignal();
	const { watch, deadlineOf } = patienceOf(this);
	const download = async (file: ResultFile) =>
		await watch.read(async () => await downloadResultFile.call(this, file, itemIndex, signal), deadlineOf(itemIndex), giveUp);
	const files = await Promise.all(
		resultFiles(task).map(async (file) => await gate(async () => await resultOrItemError(this, itemIndex, async () => await download(file)))),
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
		...(file.text !== undefined && { text: file.text }),
		...(file.textOmitted !== undefined && { text_omitted: file.textOmitted }),
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
