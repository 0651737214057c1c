import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { visionatrixRequest } from './transport';
import type { TaskDetails } from './types';

/** One result file of a task: an output node and a batch index. */
export interface ResultFile {
	taskId: number;
	nodeId: number;
	batchIndex: number;
	type: string;
}

export interface DownloadedFile extends ResultFile {
	binary: IBinaryData;
	/** Bytes, from the server's Content-Length (undefined when it sent none). */
	size?: number;
}

/** Every (output node × batch index) of a completed task, in the server's output order. */
export function resultFiles(task: TaskDetails): ResultFile[] {
	return task.outputs.flatMap((output) =>
		Array.from({ length: Math.max(1, output.batch_size) }, (_, batchIndex) => ({
			taskId: task.task_id,
			nodeId: output.comfy_node_id,
			batchIndex,
			type: output.type,
		})),
	);
}

/** `attachment; filename="1_9_00001.png"` (or unquoted, or RFC 5987 `filename*=`) → `1_9_00001.png` */
export function fileNameFromDisposition(disposition: unknown): string | undefined {
	if (typeof disposition !== 'string') return undefined;
	const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(disposition);
	if (extended) return decodeURIComponent(extended[1].trim());
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
	return plain ? (plain[2] ?? plain[1]).trim() : undefined;
}

/** Streams one result file from the server into n8n's binary data store. */
export async function downloadResultFile(
	this: IExecuteFunctions,
	file: ResultFile,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<DownloadedFile> {
	const response = await visionatrixRequest.call(
		this,
		{
			method: 'GET',
			path: '/tasks/results',
			qs: { task_id: file.taskId, node_id: file.nodeId, batch_index: file.batchIndex },
			encoding: 'stream',
			abortSignal: signal,
		},
		{
			doing: `download result ${file.batchIndex} of output node ${file.nodeId} of task ${file.taskId}`,
			taskId: file.taskId,
			itemIndex,
		},
	);
	const mimeType = String(response.headers['content-type'] ?? 'application/octet-stream').split(';')[0];
	const fileName =
		fileNameFromDisposition(response.headers['content-disposition']) ??
		`${file.taskId}_${file.nodeId}_${file.batchIndex}`;
	const binary = await this.helpers.prepareBinaryData(response.body as Buffer, fileName, mimeType);
	const length = Number(response.headers['content-length']);
	return { ...file, binary, size: Number.isFinite(length) ? length : undefined };
}
