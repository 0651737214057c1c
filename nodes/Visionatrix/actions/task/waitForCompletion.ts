import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, type NodeApiError } from 'n8n-workflow';

import { taskProgressJson } from '../../resources/task/progressFunctions';
import { DEFAULT_SCHEDULE, pause, waitForTasks, type WaitOutcome } from '../../shared/polling';
import { fetchTaskStates } from '../../shared/taskClient';
import { parseTaskId } from '../../shared/taskStatus';

interface WaitOptions {
	pollInterval?: number;
	timeout?: number;
}

const DEFAULT_TIMEOUT_SECONDS = 600;

/** An item's error, as Continue On Fail shows it or as the execution's error. */
export function itemFailure(
	this: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

/** Reads each item's Task ID; a bad one is that item's error. */
export function readTaskIds(this: IExecuteFunctions): Array<number | NodeOperationError> {
	return this.getInputData().map((_, itemIndex) => {
		const raw = this.getNodeParameter('taskId', itemIndex);
		return (
			parseTaskId(raw) ??
			itemFailure.call(
				this,
				itemIndex,
				`Parameter 'Task ID' must be a whole number, not '${String(raw)}'`,
				'Give the numeric ID of a Visionatrix task, for example {{ $json.task_id }} after Create Task.',
			)
		);
	});
}

function outcomeError(
	this: IExecuteFunctions,
	itemIndex: number,
	taskId: number,
	outcome: Exclude<WaitOutcome, { kind: 'completed' }>,
	timeoutSeconds: number,
): NodeOperationError {
	switch (outcome.kind) {
		case 'failed':
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} failed on the Visionatrix server: ${outcome.task.error}`,
				'The flow stopped with this error. Check the inputs, then restart the task in Visionatrix or create a new one.',
			);
		case 'missing':
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} does not exist on the Visionatrix server`,
				'It was deleted or cancelled, or it belongs to another user: Visionatrix shows each user only their own tasks.',
			);
		case 'timeout': {
			const last = outcome.last ? ` (last progress ${outcome.last.progress}%)` : '';
			return itemFailure.call(
				this,
				itemIndex,
				`Task ${taskId} did not finish within ${timeoutSeconds} seconds${last}`,
				'The task goes on running on the server. Raise Timeout in the options (video flows can need far more than 10 minutes), or get its results later.',
			);
		}
	}
}

/** Continue On Fail: the failed item goes on as an error item; otherwise the error stops the node. */
export function failedItem(
	this: IExecuteFunctions,
	error: NodeOperationError | NodeApiError,
	itemIndex: number,
	json: IDataObject = {},
): INodeExecutionData {
	if (!this.continueOnFail()) throw error;
	return { json: { ...json, error: error.message }, error, pairedItem: { item: itemIndex } };
}

/** Custom operation: waits until every item's task completed or failed, with one progress request per tick. */
export async function waitForCompletion(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const taskIds = readTaskIds.call(this);
	const optionsOf = items.map((_, i) => this.getNodeParameter('options', i, {}) as WaitOptions);
	const timeoutOf = (i: number) => optionsOf[i].timeout ?? DEFAULT_TIMEOUT_SECONDS;
	const maxDelayMs =
		Math.min(...optionsOf.map((o) => (o.pollInterval ?? DEFAULT_SCHEDULE.maxDelayMs / 1000) * 1000)) ||
		DEFAULT_SCHEDULE.maxDelayMs;

	const start = Date.now();
	const targets = taskIds.flatMap((taskId, i) =>
		typeof taskId === 'number' ? [{ taskId, deadline: start + timeoutOf(i) * 1000 }] : [],
	);
	const signal = this.getExecutionCancelSignal();
	const outcomes = await waitForTasks(
		targets,
		{ ...DEFAULT_SCHEDULE, maxDelayMs: Math.max(DEFAULT_SCHEDULE.minDelayMs, maxDelayMs) },
		{
			fetchTasks: async (ids) => await fetchTaskStates.call(this, ids, signal),
			sleep: pause,
			now: Date.now,
			signal,
		},
	);

	return [
		taskIds.map((taskId, itemIndex) => {
			if (typeof taskId !== 'number') return failedItem.call(this, taskId, itemIndex);
			const outcome = outcomes.get(taskId)!;
			if (outcome.kind === 'completed') {
				return { json: taskProgressJson(outcome.task, true), pairedItem: { item: itemIndex } };
			}
			const error = outcomeError.call(this, itemIndex, taskId, outcome, timeoutOf(itemIndex));
			return failedItem.call(this, error, itemIndex, { task_id: taskId });
		}),
	];
}
