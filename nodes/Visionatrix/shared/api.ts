import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

/**
 * The Visionatrix routes this package uses, each written once. Paths are under the API prefix
 * (`/vapi` or `/api`), which transport.ts adds with the base URL and the credential.
 */

export interface ApiRoute {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
}

/** The signed-in user: the credential test. */
export const WHOAMI_PATH = '/other/whoami';

export const installedFlowsRoute = (): ApiRoute => ({ method: 'GET', path: '/flows/installed' });

/** Multipart body: the flow's inputs. */
export const createTaskRoute = (flow: string): ApiRoute => ({
	method: 'PUT',
	path: `/tasks/create/${encodeURIComponent(flow)}`,
});

/** One task's state, with the flow's graph. */
export const taskProgressRoute = (taskId: number): ApiRoute => ({
	method: 'GET',
	path: `/tasks/progress/${taskId}`,
});

/** Task id → state, for the filter given (`name`, `group_scope`, `only_parent`). */
export const progressSummaryRoute = (qs: IDataObject = {}): ApiRoute => ({
	method: 'GET',
	path: '/tasks/progress-summary',
	qs,
});

/** One result file of a task, as a stream. */
export const taskResultRoute = (file: {
	taskId: number;
	nodeId: number;
	batchIndex: number;
}): ApiRoute => ({
	method: 'GET',
	path: '/tasks/results',
	qs: { task_id: file.taskId, node_id: file.nodeId, batch_index: file.batchIndex },
});

/** Removes a queued or running task from the queue. */
export const cancelTaskRoute = (taskId: number): ApiRoute => ({
	method: 'DELETE',
	path: `/tasks/queue/${taskId}`,
});

export const deleteTaskRoute = (taskId: number): ApiRoute => ({
	method: 'DELETE',
	path: '/tasks/task',
	qs: { task_id: taskId },
});

export const restartTaskRoute = (taskId: number): ApiRoute => ({
	method: 'POST',
	path: '/tasks/restart',
	qs: { task_id: taskId },
});

/** The new priority goes in the body. */
export const setTaskPriorityRoute = (taskId: number): ApiRoute => ({
	method: 'PUT',
	path: '/tasks/update',
	qs: { task_id: taskId },
});
