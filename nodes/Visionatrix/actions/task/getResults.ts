import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapWithConcurrency } from '../../shared/concurrency';
import type { TaskDetails } from '../../shared/types';
import {
	completedTask,
	DEFAULT_CONCURRENCY,
	downloadStep,
	failedItem,
	isItemError,
	readTaskIds,
	resultItems,
	settle,
} from './steps';

/** Custom operation: every result file of each item's task, as n8n binary data. */
export async function getResults(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const tasks = await mapWithConcurrency(taskIds, DEFAULT_CONCURRENCY, async (taskId, itemIndex) =>
		isItemError(taskId) ? taskId : await settle(this, itemIndex, async () => await completedTask.call(this, { taskId, itemIndex })),
	);
	const ready = tasks.flatMap((task, itemIndex) => (isItemError(task) ? [] : [{ task, itemIndex }]));
	const files = await downloadStep.call(this, ready);

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, task] of tasks.entries()) {
		const downloaded = isItemError(task) ? task : files[ready.findIndex((r) => r.itemIndex === itemIndex)];
		if (isItemError(downloaded)) {
			const taskId = taskIds[itemIndex];
			output.push(failedItem.call(this, downloaded, itemIndex, isItemError(taskId) ? {} : { task_id: taskId }));
			continue;
		}
		output.push(
			...resultItems(downloaded, task as TaskDetails, itemIndex, {
				binaryPropertyName: this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string,
				allFilesInOneItem: (this.getNodeParameter('options.allFilesInOneItem', itemIndex, false) as boolean) === true,
			}),
		);
	}
	return [output];
}
