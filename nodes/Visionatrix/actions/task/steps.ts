import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { taskProgressJson } from '../../shared/taskProgress';
import { concurrencyLimit, DEFAULT_CONCURRENCY } from '../../shared/concurrency';
import { giveUp } from '../../wait/outage';
import { patienceOf } from '../../wait/patience';
import type { TaskOfItem } from '../../wait/pollWait';
import { downloadResultFile, resultFiles, type DownloadedFile, type ResultFile } from '../../shared/results';
import { fetchTaskStates } from '../../shared/taskClient';
import { isItemError, itemError, resultOrItemError, toItemError, type ItemError } from '../../shared/itemErrors';
import { taskStatus } from '../../shared/taskStatus';
import { outcomeMessage, type TaskOutcome } from '../../shared/taskOutcomes';
import type { TaskDetails } from '../../shared/types';

/**
 * The steps the task operations are made of besides the wait (wait/pollWait.ts): Get Results'
 * check and the downloads, each over all items at once, downloads with bounded concurrency.
 * A step's failure for one item is kept as that item's error; the other items go on.
 */

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
