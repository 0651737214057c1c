import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	PostReceiveAction,
	PreSendAction,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ErrorContext } from './errors';
import { throwIfVisionatrixError } from './errors';
import { parseTaskId } from './taskStatus';
import { baseUrlProblem, CREDENTIAL_TYPE, itemErrorContext } from './transport';

/**
 * Pieces the declarative (routing) operations share: reading the Task ID into the request, and
 * turning the server's error statuses into errors that say what to do.
 */

/** The item's Task ID, checked: the server would answer a bare 422 for "abc". */
export function itemTaskId(context: IExecuteSingleFunctions): number {
	const raw = context.getNodeParameter('taskId');
	const taskId = parseTaskId(raw);
	if (taskId !== undefined) return taskId;
	const itemIndex = context.getItemIndex();
	throw new NodeOperationError(context.getNode(), `Parameter 'Task ID' must be a whole number, not '${String(raw)}' [item ${itemIndex}]`, {
		itemIndex,
		description: 'Give the numeric ID of a Visionatrix task, for example {{ $json.task_id }} after Create Task.',
	});
}

/** preSend: refuses a Base URL without scheme or with the API path before anything is sent. */
export async function checkBaseUrl(this: IExecuteSingleFunctions, request: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const { baseUrl } = await this.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
	const problem = baseUrlProblem(baseUrl);
	if (problem) {
		throw new NodeOperationError(this.getNode(), problem.message, { itemIndex: this.getItemIndex(), description: problem.hint });
	}
	return request;
}

/** preSend: puts the checked Task ID where the route wants it. */
export function withTaskId(place: (taskId: number, request: IHttpRequestOptions) => Partial<IHttpRequestOptions>): PreSendAction {
	return async function (this: IExecuteSingleFunctions, request: IHttpRequestOptions) {
		return { ...request, ...place(itemTaskId(this), request) };
	};
}

/** postReceive: throws the mapped error for an error status; `doing` says what the item was doing. */
export function failOnErrorStatus(
	doing: (context: IExecuteSingleFunctions) => { doing: string } & Omit<ErrorContext, 'itemIndex' | 'apiVersion'>,
): PostReceiveAction {
	return async function (this: IExecuteSingleFunctions, items: INodeExecutionData[], response: IN8nHttpFullResponse) {
		const { doing: phrase, ...details } = doing(this);
		await throwIfVisionatrixError(this.getNode(), response, await itemErrorContext.call(this, phrase, details));
		return items;
	};
}

/** The error check of an operation on one task. */
export function failOnTaskErrorStatus(action: string): PostReceiveAction {
	return failOnErrorStatus((context) => {
		const taskId = parseTaskId(context.getNodeParameter('taskId'));
		return { doing: `${action} task ${taskId}`, taskId };
	});
}

/** postReceive: the result of an action the server answers with 204 and no body. */
export function actionDone(action: string): PostReceiveAction {
	return async function (this: IExecuteSingleFunctions) {
		return [{ json: { task_id: itemTaskId(this), action, success: true }, pairedItem: { item: this.getItemIndex() } }];
	};
}
