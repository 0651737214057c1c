import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	PostReceiveAction,
	PreSendAction,
} from 'n8n-workflow';

import type { ApiRoute } from './api';
import { throwIfVisionatrixError } from './responseErrors';
import { invalidTaskIdError } from './taskIds';
import { parseTaskId } from './taskStatus';
import { checkedCredentials, itemErrorContext } from './transport';

/**
 * Pieces the declarative (routing) operations share: reading the Task ID into the request, and
 * turning the server's error statuses into errors that say what to do.
 */

/** The item's Task ID, checked: the server would answer a bare 422 for "abc". */
function itemTaskId(context: IExecuteSingleFunctions): number {
	const raw = context.getNodeParameter('taskId');
	const taskId = parseTaskId(raw);
	if (taskId !== undefined) return taskId;
	throw invalidTaskIdError(context.getNode(), raw, context.getItemIndex());
}

/** preSend: refuses a Base URL without scheme or with the API path before anything is sent. */
export async function checkBaseUrl(
	this: IExecuteSingleFunctions,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	await checkedCredentials(this, this.getItemIndex());
	return request;
}

/** preSend: the route of the item's checked Task ID (its query beside the fields' own). */
export function toTaskRoute(route: (taskId: number) => ApiRoute): PreSendAction {
	return async function (this: IExecuteSingleFunctions, request: IHttpRequestOptions) {
		const { method, path, qs } = route(itemTaskId(this));
		return { ...request, method, url: path, qs: { ...request.qs, ...qs } };
	};
}

/** postReceive: throws the mapped error for an error status of an operation on one task. */
export function failOnTaskErrorStatus(action: string): PostReceiveAction {
	return async function (
		this: IExecuteSingleFunctions,
		items: INodeExecutionData[],
		response: IN8nHttpFullResponse,
	) {
		const taskId = parseTaskId(this.getNodeParameter('taskId'));
		await throwIfVisionatrixError(
			this.getNode(),
			response,
			await itemErrorContext.call(this, `${action} task ${taskId}`, { taskId }),
		);
		return items;
	};
}

/** postReceive: the result of an action the server answers with 204 and no body. */
export function actionDone(action: string): PostReceiveAction {
	return async function (this: IExecuteSingleFunctions) {
		return [
			{
				json: { task_id: itemTaskId(this), action, success: true },
				pairedItem: { item: this.getItemIndex() },
			},
		];
	};
}
