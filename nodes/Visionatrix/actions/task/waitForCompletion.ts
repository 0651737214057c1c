import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_FALLBACK_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS } from '../../shared/descriptions';
import { type ItemError, continueWithError, isItemError } from '../../shared/itemErrors';
import { readTaskIds } from '../../shared/taskIds';
import { waitStep, type TaskOfItem, type WaitSettings } from '../../wait/pollWait';
import { finalStateItem } from './steps';
import { assertCanWaitOnWebhook } from '../../wait/resumeUrl';
import { waitSlots } from '../../wait/webhookSlots';
import { waitOnWebhook, type WaitMode } from '../../wait/webhookWait';

/** Custom operation: waits until every item's task completed or failed, with one progress request per tick. */
export async function waitForCompletion(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const waiting: TaskOfItem[] = taskIds.flatMap((taskId, itemIndex) => (isItemError(taskId) ? [] : [{ taskId, itemIndex }]));
	const settings = (itemIndex: number) => this.getNodeParameter('options', itemIndex, {}) as WaitSettings & { waitMode?: WaitMode; fallbackInterval?: number };
	if (settings(0).waitMode === 'webhook') {
		assertCanWaitOnWebhook(this);
		const slots = waitSlots(taskIds, (itemIndex) => settings(itemIndex).timeout ?? DEFAULT_TIMEOUT_SECONDS, (error, itemIndex) => continueWithError.call(this, error as ItemError, itemIndex));
		return await waitOnWebhook.call(this, slots, { fallbackInterval: settings(0).fallbackInterval ?? DEFAULT_FALLBACK_INTERVAL_SECONDS, checkWebhookUrls: true });
	}
	const finals = await waitStep.call(this, waiting, settings);

	return [
		taskIds.map((taskId, itemIndex) => {
			if (isItemError(taskId)) return continueWithError.call(this, taskId, itemIndex);
			const final = finals[waiting.findIndex((t) => t.itemIndex === itemIndex)];
			return isItemError(final) ? continueWithError.call(this, final, itemIndex, { task_id: taskId }) : finalStateItem(final, itemIndex);
		}),
	];
}
