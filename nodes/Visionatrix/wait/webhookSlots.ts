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

/** A task slot's error item: the webhook has no Continue On Fail to ask, so the node's On Error decides. */
export function webhookErrorItem(
	node: INode,
	slot: TaskSlot,
	message: string,
	description: string,
): INodeExecutionData {
	const error = itemError(node, slot.item, message, description);
	const json = { task_id: slot.task_id, error: error.message };
	// As continueWithError (shared/itemErrors.ts): under "Continue" the item keeps its task_id, which n8n drops from an item carrying its error.
	if (node.onError === 'continueRegularOutput') return { json, pairedItem: { item: slot.item } };
	return { json, error, pairedItem: { item: slot.item } };
}

/** What n8n keeps as this node's input while it waits: per slot, what a timeout outputs, and for webhook() the task to wait for. */
export function stackItem(node: INode, slot: OutputSlot): INodeExecutionData {
	if (!isTaskSlot(slot)) return slot.ready;
	const { task_id: id, timeout } = slot.task;
	const timedOut = webhookErrorItem(
		node,
		slot.task,
		`Task ${id} did not report completion within ${timeout} seconds; it may still be running on the Visionatrix server: check it with Get Progress, and get its files with Get Results once it is done`,
		"No final webhook call from Visionatrix reached n8n in time, and no fallback check found the task done. The task may still be running, or its calls could not reach n8n (check that the Visionatrix server can reach n8n's webhook URL): check it with Get Progress, and get its files with Get Results once it is done.",
	);
	return {
		...timedOut,
		json: { ...timedOut.json, [SLOT_KEY]: slot.task as unknown as IDataObject },
	};
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
		const slot = item.json?.[SLOT_KEY] as TaskSlot | undefined;
		return slot && typeof slot.task_id === 'number' ? { task: slot } : { ready: item };
	});
}
