import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { TaskDetails } from '../../shared/types';
import { continueWithError, isItemError } from '../../shared/itemErrors';
import { readTaskIds } from '../../shared/taskIds';
import { completedTasks, downloadStep, resultItems } from './steps';

/** Custom operation: every result file of each item's task, as n8n binary data. */
export async function getResults(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const asked = taskIds.flatMap((taskId, itemIndex) => (isItemError(taskId) ? [] : [{ taskId, itemIndex }]));
	const found = await completedTasks.call(this, asked);
	const tasks = taskIds.map((taskId, itemIndex) =>
		isItemError(taskId) ? taskId : found[asked.findIndex((a) => a.itemIndex === itemIndex)],
	);
	const ready = tasks.flatMap((task, itemIndex) => (isItemError(task) ? [] : [{ task, itemIndex }]));
	const files = await downloadStep.call(this, ready);

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, task] of tasks.entries()) {
		const downloaded = isItemError(task) ? task : files[ready.findIndex((r) => r.itemIndex === itemIndex)];
		if (isItemError(downloaded)) {
			const taskId = taskIds[itemIndex];
			output.push(continueWithError.call(this, downloaded, itemIndex, isItemError(taskId) ? {} : { task_id: taskId }));
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
