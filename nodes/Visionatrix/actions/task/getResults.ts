import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, type NodeApiError } from 'n8n-workflow';

import { mapWithConcurrency } from '../../shared/concurrency';
import { downloadResultFile, resultFiles, type DownloadedFile } from '../../shared/results';
import { getTask } from '../../shared/taskClient';
import { taskStatus } from '../../shared/taskStatus';
import type { TaskDetails } from '../../shared/types';
import { failedItem, itemFailure, readTaskIds } from './waitForCompletion';

/** Downloads running at once, over all items. */
export const DOWNLOAD_CONCURRENCY = 4;

interface GetResultsOptions {
	allFilesInOneItem?: boolean;
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

/** A completed task's details, or the reason this item cannot have results. */
async function completedTask(
	this: IExecuteFunctions,
	taskId: number,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<TaskDetails> {
	const task = await getTask.call(this, taskId, signal, itemIndex);
	if (task === null) {
		throw itemFailure.call(
			this,
			itemIndex,
			`Task ${taskId} does not exist on the Visionatrix server`,
			'It was deleted or cancelled, or it belongs to another user: Visionatrix shows each user only their own tasks.',
		);
	}
	const status = taskStatus(task);
	if (status === 'failed') {
		throw itemFailure.call(
			this,
			itemIndex,
			`Task ${taskId} failed on the Visionatrix server and has no results: ${task.error}`,
			'Check the inputs, then restart the task in Visionatrix or create a new one.',
		);
	}
	if (status !== 'completed') {
		throw itemFailure.call(
			this,
			itemIndex,
			`Task ${taskId} is not completed yet (${status}, progress ${task.progress}%)`,
			'Put a Visionatrix "Wait for Completion" step before Get Results.',
		);
	}
	return task;
}

/** Custom operation: every result file of each item's task, as n8n binary data. */
export async function getResults(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const signal = this.getExecutionCancelSignal();
	const taskIds = readTaskIds.call(this);

	const tasks = await mapWithConcurrency(taskIds, DOWNLOAD_CONCURRENCY, async (taskId, itemIndex) => {
		if (typeof taskId !== 'number') return taskId;
		return await settle(completedTask.call(this, taskId, itemIndex, signal), this, itemIndex);
	});

	const downloads = tasks.flatMap((task, itemIndex) =>
		task instanceof Error ? [] : resultFiles(task).map((file) => ({ file, itemIndex })),
	);
	const downloaded = await mapWithConcurrency(
		downloads,
		DOWNLOAD_CONCURRENCY,
		async ({ file, itemIndex }) =>
			await settle(downloadResultFile.call(this, file, itemIndex, signal), this, itemIndex),
	);

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, task] of tasks.entries()) {
		const ofThisItem = downloaded.filter((_, i) => downloads[i].itemIndex === itemIndex);
		const failure = isItemError(task) ? task : ofThisItem.find(isItemError);
		if (failure) {
			const taskId = taskIds[itemIndex];
			const json = typeof taskId === 'number' ? { task_id: taskId } : {};
			output.push(failedItem.call(this, failure, itemIndex, json));
			continue;
		}
		const done = task as TaskDetails;
		output.push(...resultItems.call(this, ofThisItem as DownloadedFile[], done, itemIndex));
	}
	return [output];
}

type ItemError = NodeOperationError | NodeApiError;

function isItemError(value: unknown): value is ItemError {
	return value instanceof Error;
}

/** The work's result, or its error as an item error (kept for the item, not thrown yet). */
async function settle<T>(work: Promise<T>, context: IExecuteFunctions, itemIndex: number): Promise<T | ItemError> {
	try {
		return await work;
	} catch (error) {
		if (error instanceof NodeOperationError || (error as Error)?.name === 'NodeApiError') {
			return error as ItemError;
		}
		return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}

function resultItems(
	this: IExecuteFunctions,
	files: DownloadedFile[],
	task: TaskDetails,
	itemIndex: number,
): INodeExecutionData[] {
	const flow = task.name;
	const property = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as GetResultsOptions;
	if (!options.allFilesInOneItem) {
		return files.map((file) => ({
			json: fileJson(file, flow),
			binary: { [property]: file.binary },
			pairedItem: { item: itemIndex },
		}));
	}
	const binary: Record<string, IBinaryData> = {};
	const fileList = files.map((file, index) => {
		binary[`${property}_${index}`] = file.binary;
		return { binary_property: `${property}_${index}`, ...fileJson(file, flow) };
	});
	return [
		{
			json: { task_id: task.task_id, flow, files: fileList } as IDataObject,
			binary,
			pairedItem: { item: itemIndex },
		},
	];
}
