import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { BatchOutput } from '../shared/batchOutput';
import { concurrencyLimit } from '../shared/concurrency';
import { isItemError, withItemJson, type ItemError } from '../shared/itemErrors';
import {
	finalStateItem,
	queuedTaskJson,
	resultItems,
	type ResultItemSettings,
} from '../shared/outputItems';
import type { DownloadedFile } from '../shared/results';
import type { CreateTaskResponse, TaskDetails } from '../shared/types';
import { waitStep, type TaskOfItem, type WaitSettings } from './pollWait';
import { downloadTaskFiles } from './resultDownloads';

// Create Task with Wait Mode "Poll": the wait for the created tasks, their files fetched as each completes, and the output.

/** One item's Create settings the poll wait takes (resources/task/create.ts reads them). */
export interface CreatePollSettings extends WaitSettings {
	/** The item waits for its tasks (Output Final State or Files). */
	wait: boolean;
	/** It outputs their files (Output Files). */
	download: boolean;
	concurrency: number;
	/** The group scope the wait reads the tasks' summary by, when it is a whole number. */
	groupScope?: number;
	files: ResultItemSettings;
}

/** What Create made of one item: its tasks, or the item's error. */
export interface Created {
	flow: string;
	response: CreateTaskResponse;
	/** When the server answered (ms): the tasks were queued by then. */
	createdAt: number;
}

type SettingsOf = (itemIndex: number) => CreatePollSettings;

/**
 * Polls for the tasks of the items that wait, downloading each task's files as soon as it
 * completes; then the output (shared/batchOutput.ts: no finished task's files are thrown away).
 * `checkedFlows`: the flows Create found a worker for before it created the tasks.
 */
export async function pollAndOutput(
	this: IExecuteFunctions,
	created: Array<Created | ItemError>,
	settingsOf: SettingsOf,
	checkedFlows: readonly string[],
): Promise<INodeExecutionData[]> {
	const toWaitFor: TaskOfItem[] = created.flatMap((result, itemIndex) =>
		isItemError(result) || !settingsOf(itemIndex).wait
			? []
			: result.response.tasks_ids.map((taskId) => ({
					taskId,
					itemIndex,
					flow: result.flow,
					groupScope: settingsOf(itemIndex).groupScope,
					createdAt: result.createdAt,
				})),
	);
	// Output Files: a task's files are fetched as soon as it completes, while the others still run.
	const gate = concurrencyLimit(settingsOf(0).concurrency);
	const downloads = new Map<number, Promise<DownloadedFile[] | ItemError>>();
	const itemOfTask = new Map(toWaitFor.map(({ taskId, itemIndex }) => [taskId, itemIndex]));
	const startDownload = (task: TaskDetails) => {
		const itemIndex = itemOfTask.get(task.task_id);
		if (itemIndex === undefined || !settingsOf(itemIndex).download || downloads.has(task.task_id))
			return;
		const download = downloadTaskFiles.call(this, task, itemIndex, gate);
		// Awaited below; if the execution is stopped first, its rejection must not go unhandled.
		download.catch(() => undefined);
		downloads.set(task.task_id, download);
	};
	const finals = await waitStep.call(this, toWaitFor, settingsOf, startDownload, checkedFlows);
	const finalOf = (taskId: number): TaskDetails | ItemError =>
		finals[toWaitFor.findIndex((t) => t.taskId === taskId)];

	const output = new BatchOutput(this);
	for (const [itemIndex, result] of created.entries()) {
		if (isItemError(result)) output.fail(result, itemIndex);
		else
			for (const taskId of result.response.tasks_ids)
				await taskOutput.call(this, output, result, taskId, itemIndex, settingsOf(itemIndex), {
					finalOf,
					downloads,
				});
	}
	return output.result();
}

/** What Create outputs for one task of an item: its ID, its final state, its files, or its error. */
async function taskOutput(
	this: IExecuteFunctions,
	output: BatchOutput,
	created: Created,
	taskId: number,
	itemIndex: number,
	{ wait, download, files }: CreatePollSettings,
	found: {
		finalOf: (taskId: number) => TaskDetails | ItemError;
		downloads: Map<number, Promise<DownloadedFile[] | ItemError>>;
	},
): Promise<void> {
	if (!wait) {
		const json = queuedTaskJson(taskId, created.flow, created.response.outputs);
		output.add([{ json, pairedItem: { item: itemIndex } }]);
		return;
	}
	const failed = (error: ItemError) =>
		output.fail(error, itemIndex, { task_id: taskId, flow: created.flow });
	const final = found.finalOf(taskId);
	if (isItemError(final)) return failed(final);
	if (!download) return output.finishedTask(taskId, [finalStateItem(final, itemIndex)]);
	const taskFiles = await found.downloads.get(taskId)!;
	// A download that failed: the task completed, and its files are on the server.
	if (isItemError(taskFiles))
		return failed(withItemJson(taskFiles, { status: 'completed', progress: 100 }));
	output.finishedTask(taskId, resultItems(taskFiles, final, itemIndex, files));
}
