import type { IExecuteFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { taskProgressRoute } from './api';
import { mapWithConcurrency } from './concurrency';
import { visionatrixRequest } from './transport';
import type { TaskDetails } from './types';

/**
 * Reading task states: `GET /tasks/progress/{id}` for one task (about 4.4 KB for an image flow,
 * mostly the flow's graph), or `GET /tasks/progress-summary` filtered by flow and group scope for
 * many (about 650 bytes per task, but for EVERY task of that flow and group the user ever ran:
 * the server has no filter by id and no paging). Never an unfiltered summary: its size grows with
 * everything the user ever ran. Which one a wait uses is decided in wait/readChoice.ts, and the
 * wait's reads are made in wait/waitReads.ts.
 */

/** Where tasks are read from: an operation, n8n handling a webhook call for a waiting node, or the trigger's poll. */
export type TaskReader = IExecuteFunctions | IWebhookFunctions | IPollFunctions;

/** Per-task reads of one tick go out this many at a time. */
export const READ_CONCURRENCY = 8;

/** The server's "Task `N` was not found." (a 404 for a route it does not have is another matter). */
function isNotFound(error: unknown): boolean {
	return (
		error instanceof NodeApiError && error.httpCode === '404' && /was not found/.test(error.message)
	);
}

/** The answer's body size: its Content-Length, or (when the server sent none) its JSON's. */
export function bodyBytes(headers: Record<string, unknown>, body: unknown): number {
	const length = Number(headers['content-length']);
	return Number.isFinite(length) && length >= 0
		? length
		: Buffer.byteLength(JSON.stringify(body ?? null));
}

/** One task's details and the answer's size; `null` details when the server does not know it (deleted, cancelled, another user's). */
export async function readTask(
	this: TaskReader,
	taskId: number,
	signal?: AbortSignal,
	itemIndex?: number,
): Promise<{ task: TaskDetails | null; bytes: number }> {
	try {
		const response = await visionatrixRequest.call(
			this,
			{ ...taskProgressRoute(taskId), abortSignal: signal },
			{ doing: `get the progress of task ${taskId}`, taskId, itemIndex },
		);
		return {
			task: response.body as TaskDetails,
			bytes: bodyBytes(response.headers, response.body),
		};
	} catch (error) {
		if (isNotFound(error)) return { task: null, bytes: 0 };
		throw error as NodeApiError;
	}
}

/** One task's details, or `null` when the server does not know it. */
export async function getTask(
	this: TaskReader,
	taskId: number,
	signal?: AbortSignal,
	itemIndex?: number,
): Promise<TaskDetails | null> {
	return (await readTask.call(this, taskId, signal, itemIndex)).task;
}

/**
 * The current state of each task, read one by one (a bounded number at a time): a read of tasks
 * whose flows are not known cannot be a filtered summary, and an unfiltered one costs what the
 * user ever ran.
 */
export async function fetchTaskStates(
	this: TaskReader,
	taskIds: number[],
	signal?: AbortSignal,
): Promise<Map<number, TaskDetails | null>> {
	const ids = [...new Set(taskIds)];
	const answers = await mapWithConcurrency(
		ids,
		READ_CONCURRENCY,
		async (taskId) => await readTask.call(this, taskId, signal),
	);
	return new Map(ids.map((taskId, index) => [taskId, answers[index].task]));
}
