import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { didYouMean } from './flowNames';
import type { InstalledFlow } from './types';

/**
 * Errors of one input item: made with the item's index in the message, kept per item while the
 * other items go on, and output as error items under Continue On Fail.
 */

export type ItemError = NodeOperationError | NodeApiError;

/** `message [item 2]`: the message as n8n shows it for one item. */
export function withItemIndex(message: string, itemIndex: number | undefined): string {
	return itemIndex === undefined ? message : `${message} [item ${itemIndex}]`;
}

/** The message without its `[item N]`, to be told again under another item or inside another message. */
export function withoutItemIndex(message: string): string {
	return message.replace(/ \[item \d+\]$/, '');
}

/** Names the flow, and the installed flow it probably meant (its display name given, or a typo). */
export function flowNotInstalledMessage(flow: string, installed: InstalledFlow[] = []): string {
	return `Flow '${flow}' is not installed on this Visionatrix server${didYouMean(flow, installed)}`;
}

/** What to do about a flow that is not installed. */
export const FLOW_NOT_INSTALLED_FIX =
	'Install the flow in Visionatrix first, or pick an installed one from the Flow list. The name is the flow id (for example sdxl_lighting), not its display name.';

/** A new error of one item: what went wrong, and in the description what to do. */
export function itemError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, withItemIndex(message, itemIndex), {
		itemIndex,
		description,
	});
}

/** An item's flow that is not among the `installed` ones. */
export function flowNotInstalledError(
	node: INode,
	itemIndex: number,
	flow: string,
	installed: InstalledFlow[],
): NodeOperationError {
	return itemError(
		node,
		itemIndex,
		flowNotInstalledMessage(flow, installed),
		FLOW_NOT_INSTALLED_FIX,
	);
}

export function isItemError(value: unknown): value is ItemError {
	return value instanceof NodeOperationError || value instanceof NodeApiError;
}

/** The error a stopped execution ends with; n8n files an error whose message says "canceled" as a stop, not a failure. */
export function executionCanceled(context: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'The execution was canceled');
}

/** Anything thrown, as the item's error; a stopped execution still ends the whole operation, as n8n expects. */
export function toItemError(
	context: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
): ItemError {
	if (context.getExecutionCancelSignal()?.aborted) throw executionCanceled(context);
	if (isItemError(error)) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** The work's result, or its error as the item's error. */
export async function resultOrItemError<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	work: () => Promise<T>,
): Promise<T | ItemError> {
	try {
		return await work();
	} catch (error) {
		return toItemError(context, itemIndex, error);
	}
}

/** What an error adds to its item's JSON (the tasks a lost create may have made, …). */
export function withItemJson<E extends Error>(error: E, json: IDataObject): E {
	return Object.assign(error, { itemJson: json });
}

/**
 * Continue On Fail: the failed item goes on as an error item; otherwise the error stops the node.
 * Its message says what to do. n8n's engine replaces the JSON of an item that carries its error
 * object with `{ error }` (WorkflowExecute.normalizeNodeErrors), so what the error adds to the
 * item (the task's id, flow and state) goes on without the object: under "Continue" beside
 * `error`, as n8n's own nodes return theirs; under "Continue (using error output)" in `details`,
 * since n8n routes an item to the error output by its JSON only when that has no keys but
 * `error`, `message` and `details` (WorkflowExecute.handleNodeErrorOutput).
 */
export function continueWithError(
	this: IExecuteFunctions,
	error: ItemError,
	itemIndex: number,
	json: IDataObject = {},
): INodeExecutionData {
	if (!this.continueOnFail()) throw error;
	const details: IDataObject = {
		...json,
		...((error as { itemJson?: IDataObject }).itemJson ?? {}),
	};
	const pairedItem = { item: itemIndex };
	if (Object.keys(details).length === 0)
		return { json: { error: error.message }, error, pairedItem };
	if (this.getNode().onError === 'continueErrorOutput')
		return { json: { error: error.message, details }, pairedItem };
	return { json: { ...details, error: error.message }, pairedItem };
}
