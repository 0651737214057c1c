import type { IDataObject, INode, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { itemError } from '../shared/itemErrors';
import { taskStatus } from '../shared/taskStatus';
import type { TaskDetails } from '../shared/types';

/** The output slots of a webhook wait, and how they are stored with the waiting execution (as its input items). */

const SLOT_KEY = 'visionatrixWait';

/** One task the node waits for, and how to output it. Stored with the waiting execution. */
export interface TaskSlot {
	task_id: number;
	flow?: string;
	/** The input item it belongs to. */
	item: number;
	/** Set: output the task's files (Download Results); unset: its final state. */
	files?: { binaryPropertyName: string; allFilesInOneItem: boolean };
	/** Seconds, as set in Timeout. */
	timeout: number;
	/** When to give up (ms since the epoch). */
	deadline: number;
}

/** One place in the node's output: a task still to wait for, or an item known before the wait. */
export type OutputSlot = { task: TaskSlot } | { ready: INodeExecutionData };

export function isTaskSlot(slot: OutputSlot): slot is { task: TaskSlot } {
	return 'task' in slot;
}

export function isFinal(task: TaskDetails | null | undefined): boolean {
	if (task === null) return true;
	if (task === undefined) return false;
	const status = taskStatus(task);
	return status === 'completed' || status === 'failed';
}

/**
 * A task slot's error item: the webhook has no Continue On Fail to ask, so the node's On Error
 * decides where it goes, and under every setting it names the task. n8n replaces the JSON of an
 * item that leaves a node with an error object by `{ error }`, so the error object is only for the
 * node's own use (asOperationOutput) and `withoutErrorObject` drops it on the way out. "Continue
 * (using error output)" routes an item whose JSON holds only error/message/details: the task is
 * then in `details`.
 */
export function webhookErrorItem(
	node: INode,
	slot: TaskSlot,
	message: string,
	description: string,
): INodeExecutionData {
	const error = itemError(node, slot.item, message, description);
	const task: IDataObject = { task_id: slot.task_id };
	if (slot.flow !== undefined) task.flow = slot.flow;
	const json: IDataObject =
		node.onError === 'continueErrorOutput'
			? { error: error.message, details: { ...task, description } }
			: { ...task, error: error.message, description };
	return { json, error, pairedItem: { item: slot.item } };
}

/** The item as it leaves the node: without the error object n8n would turn its JSON into `{ error }`. */
export function withoutErrorObject(item: INodeExecutionData): INodeExecutionData {
	if (!item.error) return item;
	const rest = { ...item };
	delete rest.error;
	return rest;
}

/** What a task still open when n8n itself ends the wait (a grace after the Timeout) comes out as. */
function endedByN8nItem(node: INode, slot: TaskSlot): INodeExecutionData {
	const id = slot.task_id;
	const flow = slot.flow === undefined ? '' : ` (flow ${slot.flow})`;
	return webhookErrorItem(
		node,
		slot,
		`Task ${id}${flow} was not seen done before the wait ended at its Timeout (${slot.timeout} seconds); it may have finished meanwhile: get its files with Get Results (task ID ${id}) rather than retrying the execution, which creates the task again`,
		`Visionatrix calls n8n once when a task ends and never again, and n8n's checks of the task could not get through before the Timeout: n8n was stopped or restarted at the time, or Visionatrix or n8n's own webhook URL could not be reached. Get Progress shows the task's state; Get Results with task ID ${id} outputs its files once it is done.`,
	);
}

/** What n8n keeps as this node's input while it waits: per slot, what n8n's own resume outputs, and for webhook() the task to wait for. */
export function stackItem(node: INode, slot: OutputSlot): INodeExecutionData {
	if (!isTaskSlot(slot)) return withoutErrorObject(slot.ready);
	const { json, pairedItem } = endedByN8nItem(node, slot.task);
	const stored = slot.task as unknown as IDataObject;
	// Beside the task's ID: in `details` for the error output, which routes only error/message/details.
	if (json.details)
		return {
			json: { ...json, details: { ...(json.details as IDataObject), [SLOT_KEY]: stored } },
			pairedItem,
		};
	return { json: { ...json, [SLOT_KEY]: stored }, pairedItem };
}

/** The slot a stored item holds, if it is one of a task. */
function storedSlot(json: IDataObject | undefined): TaskSlot | undefined {
	const slot = (json?.[SLOT_KEY] ?? (json?.details as IDataObject | undefined)?.[SLOT_KEY]) as
		| TaskSlot
		| undefined;
	return slot && typeof slot.task_id === 'number' ? slot : undefined;
}

/** The node's output while it waits, shown in the execution view. */
export function waitingItem(
	slot: OutputSlot,
	states: Map<number, TaskDetails | null>,
): INodeExecutionData {
	if (!isTaskSlot(slot)) return slot.ready;
	const task = states.get(slot.task.task_id);
	return {
		json: {
			task_id: slot.task.task_id,
			flow: slot.task.flow ?? task?.name,
			status: task ? taskStatus(task) : 'queued',
			progress: task?.progress ?? 0,
			wait_mode: 'webhook',
			timeout_at: new Date(slot.task.deadline).toISOString(),
		},
		pairedItem: { item: slot.task.item },
	};
}

/** Wait for Completion's slots: each item's task, or the item's error (with Continue On Fail). */
export function waitSlots(
	taskIds: Array<number | Error>,
	timeoutOf: (itemIndex: number) => number,
	errorOutput: (error: Error, itemIndex: number) => INodeExecutionData,
): OutputSlot[] {
	const started = Date.now();
	return taskIds.map((taskId, itemIndex): OutputSlot => {
		if (taskId instanceof Error) return { ready: errorOutput(taskId, itemIndex) };
		const timeout = timeoutOf(itemIndex);
		return {
			task: { task_id: taskId, item: itemIndex, timeout, deadline: started + timeout * 1000 },
		};
	});
}

/** What the waiting node stored: its output slots, in order. */
export function storedSlots(context: IWebhookFunctions): OutputSlot[] {
	let items: unknown;
	try {
		items = context.evaluateExpression('{{ $input.all() }}', 0);
	} catch {
		return [];
	}
	if (!Array.isArray(items)) return [];
	return items.map((entry: INodeExecutionData | IDataObject) => {
		// A workflow in n8n's "combined" binary mode gets bare JSON from $input.all().
		const item = (
			entry && typeof entry.json === 'object' ? entry : { json: entry }
		) as INodeExecutionData;
		const slot = storedSlot(item.json);
		return slot ? { task: slot } : { ready: item };
	});
}
