import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failedItem, finalStateItem, isItemError, readTaskIds, waitStep, type TaskOfItem, type WaitSettings } from './steps';

/** Custom operation: waits until every item's task completed or failed, with one progress request per tick. */
export async function waitForCompletion(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const waiting: TaskOfItem[] = taskIds.flatMap((taskId, itemIndex) => (isItemError(taskId) ? [] : [{ taskId, itemIndex }]));
	const settings = (itemIndex: number) => this.getNodeParameter('options', itemIndex, {}) as WaitSettings;
	const finals = await waitStep.call(this, waiting, settings);

	return [
		taskIds.map((taskId, itemIndex) => {
			if (isItemError(taskId)) return failedItem.call(this, taskId, itemIndex);
			const final = finals[waiting.findIndex((t) => t.itemIndex === itemIndex)];
			return isItemError(final) ? failedItem.call(this, final, itemIndex, { task_id: taskId }) : finalStateItem(final, itemIndex);
		}),
	];
}
