import type {
	IBinaryData,
	IExecuteFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { taskResultRoute } from './api';
import { withItemIndex } from './itemErrors';
import { pause } from './pause';
import { RETRY_POLICY, visionatrixRequest } from './transport';
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
	/** Bytes stored (the server's Content-Length when the store cannot tell). */
	size?: number;
	/** A `text` output's content, when it is at most {@link TEXT_IN_JSON_MAX_BYTES}. */
	text?: string;
	/** Why a `text` output's content is in the file only. */
	textOmitted?: string;
}

/** Where result files are downloaded: an operation, n8n handling a webhook call, or the trigger's poll. */
type DownloadContext = IExecuteFunctions | IWebhookFunctions | IPollFunctions;

/** The largest text output whose content also goes into the item's JSON (64 KiB). */
export const TEXT_IN_JSON_MAX_BYTES = 64 * 1024;

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

/** One attempt: streams the file from the server into n8n's binary data store. */
async function fetchResultFile(
	this: DownloadContext,
	file: ResultFile,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<{ binary: IBinaryData; expected?: number }> {
	const response = await visionatrixRequest.call(
		this,
		{
			...taskResultRoute(file),
			encoding: 'stream',
			abortSignal: signal,
		},
		{
			doing: `download result ${file.batchIndex} of output node ${file.nodeId} of task ${file.taskId}`,
			taskId: file.taskId,
			itemIndex,
		},
	);
	const mimeType = String(response.headers['content-type'] ?? 'application/octet-stream').split(
		';',
	)[0];
	const fileName =
		fileNameFromDisposition(response.headers['content-disposition']) ??
		`${file.taskId}_${file.nodeId}_${file.batchIndex}`;
	const binary = await this.helpers.prepareBinaryData(response.body as Buffer, fileName, mimeType);
	const expected = Number(response.headers['content-length']);
	return { binary, expected: Number.isFinite(expected) ? expected : undefined };
}

/**
 * Streams one result file into n8n's binary data store, whole: a download that stops short of the
 * server's Content-Length (or breaks off) is fetched again, a few times, before the item fails.
 */
export async function downloadResultFile(
	this: DownloadContext,
	file: ResultFile,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<DownloadedFile> {
	let shortBy = '';
	for (let attempt = 1; attempt <= RETRY_POLICY.attempts; attempt++) {
		if (attempt > 1) await pause(RETRY_POLICY.firstDelayMs * attempt, signal);
		let fetched;
		try {
			fetched = await fetchResultFile.call(this, file, itemIndex, signal);
		} catch (error) {
			// The body broke off mid-stream (the request itself already had its retries).
			if (
				signal?.aborted ||
				(error as Error)?.name === 'NodeApiError' ||
				(error as Error)?.name === 'NodeOperationError'
			) {
				throw error as Error;
			}
			shortBy = `the download broke off (${(error as Error).message})`;
			continue;
		}
		const { binary, expected } = fetched;
		const received = binary.bytes;
		if (expected === undefined || received === undefined || received === expected) {
			const downloaded: DownloadedFile = { ...file, binary, size: received ?? expected };
			return file.type === 'text'
				? { ...downloaded, ...(await readText.call(this, downloaded)) }
				: downloaded;
		}
		shortBy = `got ${received} of ${expected} bytes`;
	}
	throw new NodeOperationError(
		this.getNode(),
		withItemIndex(
			`The download of result ${file.batchIndex} of output node ${file.nodeId} of task ${file.taskId} was cut short ${RETRY_POLICY.attempts} times (last: ${shortBy})`,
			itemIndex,
		),
		{
			itemIndex,
			description:
				'The connection to Visionatrix drops during downloads. The task and its files stay on the server: run Get Results again later.',
		},
	);
}

/**
 * A text output's content for the item's JSON, read back from n8n's binary data store (inline or on
 * disk), or why it stays in the file only: too large for an item's JSON, or not UTF-8.
 */
async function readText(
	this: DownloadContext,
	file: DownloadedFile,
): Promise<Pick<DownloadedFile, 'text' | 'textOmitted'>> {
	const size = file.size ?? 0;
	if (size > TEXT_IN_JSON_MAX_BYTES) {
		return {
			textOmitted: `The text is ${size} bytes, more than the ${TEXT_IN_JSON_MAX_BYTES} bytes put in the JSON: read it from the file`,
		};
	}
	const { binary } = file;
	const bytes = binary.id
		? await this.helpers.binaryToBuffer(await this.helpers.getBinaryStream(binary.id))
		: Buffer.from(binary.data, 'base64');
	try {
		return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
	} catch {
		return { textOmitted: 'The text is not UTF-8: read it from the file' };
	}
}
