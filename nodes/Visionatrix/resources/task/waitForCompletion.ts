import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	cancelOnStopOption,
	fallbackIntervalOption,
	pollIntervalOption,
	taskIdField,
	timeoutOption,
	waitModeOption,
} from '../../shared/descriptions';
import { type ItemError, continueWithError, isItemError } from '../../shared/itemErrors';
import { finalStateItem } from '../../shared/outputItems';
import { readTaskIds } from '../../shared/taskIds';
import { waitStep, type TaskOfItem } from '../../wait/pollWait';
import { assertCanWaitOnWebhook } from '../../wait/resumeUrl';
import { waitSlots } from '../../wait/webhookSlots';
import { readWaitOptions } from '../../wait/waitOptions';
import { waitOnWebhook } from '../../wait/webhookWait';

export const waitForCompletionDescription: INodeProperties[] = [
	taskIdField('waitForCompletion'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['task'], operation: ['waitForCompletion'] } },
		// Sorted by name, as n8n lists options.
		options: [
			cancelOnStopOption,
			fallbackIntervalOption,
			pollIntervalOption,
			timeoutOption,
			waitModeOption('waitForCompletion'),
		],
	},
];

/** Custom operation: waits until every item's task completed or failed, with one progress request per tick. */
export async function waitForCompletion(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const waiting: TaskOfItem[] = taskIds.flatMap((taskId, itemIndex) =>
		isItemError(taskId) ? [] : [{ taskId, itemIndex }],
	);
	const settings = (itemIndex: number) =>
		readWaitOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	if (settings(0).waitMode === 'webhook') {
		assertCanWaitOnWebhook(this);
		const slots = waitSlots(
			taskIds,
			(itemIndex) => settings(itemIndex).timeout,
			(error, itemIndex) => continueWithError.call(this, error as ItemError, itemIndex),
		);
		return await waitOnWebhook.call(this, slots, {
			fallbackInterval: settings(0).fallbackInterval,
			pollInterval: settings(0).pollInterval,
			checkWebhookUrls: true,
		});
	}
	const finals = await waitStep.call(this, waiting, settings);

	return [
		taskIds.map((taskId, itemIndex) => {
			if (isItemError(taskId)) return continueWithError.call(this, taskId, itemIndex);
			const final = finals[waiting.findIndex((t) => t.itemIndex === itemIndex)];
			return isItemError(final)
				? continueWithError.call(this, final, itemIndex, { task_id: taskId })
				: finalStateItem(final, itemIndex);
		}),
	];
}
