import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { visionatrixJson } from './transport';
import type { ProgressSummary, TaskDetails } from './types';

/**
 * Reading task states. One task: `GET /tasks/progress/{id}`. Several: one
 * `GET /tasks/progress-summary` for all of them (the server has no filter by id, so the node
 * picks its tasks out), and a direct look only at those the summary does not list.
 */

/** Where tasks are read from: an operation, or n8n handling a webhook call for a waiting node. */
export type TaskReader = IExecuteFunctions | IWebhookFunctions;

/** The server's "Task `N` was not found." (a 404 for a route it does not have is another matter). */
function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '404' && /was not found/.test(error.message);
}

/** One task's details, or `null` when the server does not know it (deleted, cancelled, another user's). */
export async function getTask(
	this: TaskReader,
	taskId: number,
	signal?: AbortSignal,
	itemIndex?: number,
): Promise<TaskDetails | null> {
	try {
		return (await visionatrixJson.call(
			this,
			{ method: 'GET', path: `/tasks/progress/${taskId}`, abortSignal: signal },
			{ doing: `get the progress of task ${taskId}`, taskId, itemIndex },
		)) as TaskDetails;
	} catch (error) {
		if (isNotFound(error)) return null;
		throw error as NodeApiError;
	}
}

export async function fetchTaskStates(
	this: TaskReader,
	taskIds: number[],
	signal?: AbortSignal,
): Promise<Map<number, TaskDetails | null>> {
	const states = new Map<number, TaskDetails | null>();
	if (taskIds.length === 1) {
		states.set(taskIds[0], await getTask.call(this, taskIds[0], signal));
		return states;
	}
	const summary = (await visionatrixJson.call(
		this,
		// group_scope 0: tasks of every group, not only the default group 1.
		{ method: 'GET', path: '/tasks/progress-summary', qs: { group_scope: 0 }, abortSignal: signal },
		{ doing: 'get the progress of the tasks' },
	)) as ProgressSummary;
	for (const taskId of taskIds) {
		const task = summary[String(taskId)];
		states.set(taskId, task ?? (await getTask.call(this, taskId, signal)));
	}
	return states;
}
