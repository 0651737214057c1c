import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_BINARY_PROPERTY } from './descriptions';
import type { DownloadedFile } from './results';
import { taskProgressJson } from './taskProgress';
import type { CreateTaskResponse, TaskDetails } from './types';

/** What the node outputs for a finished task: its final state, or its files (Create, Get Results, the webhook wait, the trigger). */

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

/** How files are output, from an operation's Put Output File in Field and All Files in One Item. */
export function readResultItemSettings(
	binaryPropertyName: string | undefined,
	allFilesInOneItem: unknown,
): ResultItemSettings {
	return {
		binaryPropertyName: binaryPropertyName ?? DEFAULT_BINARY_PROPERTY,
		allFilesInOneItem: allFilesInOneItem === true,
	};
}

/** A task's files as output items: one per file, or all in one (`data_0`, `data_1`, …). */
export function resultItems(
	files: DownloadedFile[],
	task: TaskDetails,
	itemIndex: number,
	settings: ResultItemSettings,
): INodeExecutionData[] {
	const property = settings.binaryPropertyName;
	if (!settings.allFilesInOneItem) {
		return files.map((file) => ({
			json: fileJson(file, task.name),
			binary: { [property]: file.binary },
			pairedItem: { item: itemIndex },
		}));
	}
	const binary: Record<string, IBinaryData> = {};
	const fileList = files.map((file, index) => {
		binary[`${property}_${index}`] = file.binary;
		return { binary_property: `${property}_${index}`, ...fileJson(file, task.name) };
	});
	return [
		{
			json: {
				task_id: task.task_id,
				flow: task.name,
				status: 'completed',
				files: fileList,
			} as IDataObject,
			binary,
			pairedItem: { item: itemIndex },
		},
	];
}

/** The final state of a task as Wait for Completion outputs it. */
export function finalStateItem(task: TaskDetails, itemIndex: number): INodeExecutionData {
	return { json: taskProgressJson(task, true), pairedItem: { item: itemIndex } };
}

/** A task Create queued, as it outputs it when it does not wait: its outputs without the sizes the server does not know yet (it sends -1). */
export function queuedTaskJson(
	taskId: number,
	flow: string,
	outputs: CreateTaskResponse['outputs'],
): IDataObject {
	const known = outputs.map((output) => {
		const sizes: IDataObject = { ...(output as unknown as IDataObject) };
		for (const size of ['file_size', 'batch_size']) if (sizes[size] === -1) delete sizes[size];
		return sizes;
	});
	return { task_id: taskId, flow, outputs: known };
}
