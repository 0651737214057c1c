import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { taskProgressJson } from '../../resources/task/progressFunctions';
import { taskProgressRoute } from '../../shared/api';
import { mapWithConcurrency } from '../../shared/concurrency';
import { visionatrixJson } from '../../shared/transport';
import type { TaskDetails } from '../../shared/types';
import { continueWithError, isItemError, resultOrItemError } from '../../shared/itemErrors';
import { DEFAULT_CONCURRENCY, readTaskIds } from './steps';

/** Custom operation (a read, so retried like every read): the state of each item's task. */
export async function getProgress(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const signal = this.getExecutionCancelSignal();
	const taskIds = readTaskIds.call(this);
	const tasks = await mapWithConcurrency(taskIds, DEFAULT_CONCURRENCY, async (taskId, itemIndex) =>
		isItemError(taskId)
			? taskId
			: await resultOrItemError(this, itemIndex, async () =>
					(await visionatrixJson.call(
						this,
						{ ...taskProgressRoute(taskId), abortSignal: signal },
						{ doing: `get the progress of task ${taskId}`, taskId, itemIndex },
					)) as TaskDetails,
				),
	);
	return [
		tasks.map((task, itemIndex) => {
			if (isItemError(task)) {
				const taskId = taskIds[itemIndex];
				return continueWithError.call(this, task, itemIndex, isItemError(taskId) ? {} : { task_id: taskId });
			}
			const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
			return { json: taskProgressJson(task, simplify), pairedItem: { item: itemIndex } };
		}),
	];
}
