import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { BatchOutput } from '../../shared/batchOutput';
import {
	fallbackIntervalOption,
	pollIntervalOption,
	taskIdField,
	waitMeaningOptions,
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

/** The Options of a version: from 1.2 Timeout counts each task's own run (shared/descriptions.ts). */
function waitOptions(version: 'before1.2' | '1.2'): INodeProperties {
	const { timeout, cancel } = waitMeaningOptions(version);
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: {
			show: {
				resource: ['task'],
				operation: ['waitForCompletion'],
				'@version': version === '1.2' ? [{ _cnd: { gte: 1.2 } }] : [{ _cnd: { lt: 1.2 } }],
			},
		},
		// Sorted by name, as n8n lists options.
		options: [
			cancel,
			fallbackIntervalOption,
			pollIntervalOption,
			timeout,
			waitModeOption('waitForCompletion'),
		],
	};
}

export const waitForCompletionDescription: INodeProperties[] = [
	taskIdField('waitForCompletion'),
	waitOptions('before1.2'),
	waitOptions('1.2'),
];

/** Custom operation: waits until every item's task completed or failed, with one progress request per tick. */
export async function waitForCompletion(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const waiting: TaskOfItem[] = taskIds.flatMap((taskId, itemIndex) =>
		isItemError(taskId) ? [] : [{ taskId, itemIndex }],
	);
	const settings = (itemIndex: number) =>
		readWaitOptions(
			this.getNodeParameter('options', itemIndex, {}) as IDataObject,
			this.getNode().typeVersion,
		);
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

	const output = new BatchOutput(this);
	for (const [itemIndex, taskId] of taskIds.entries()) {
		if (isItemError(taskId)) {
			output.fail(taskId, itemIndex);
			continue;
		}
		const final = finals[waiting.findIndex((t) => t.itemIndex === itemIndex)];
		if (isItemError(final)) output.fail(final, itemIndex, { task_id: taskId });
		else output.finishedTask(taskId, [finalStateItem(final, itemIndex)]);
	}
	return [output.result()];
}
