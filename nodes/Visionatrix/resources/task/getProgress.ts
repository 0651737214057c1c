import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { taskProgressRoute } from '../../shared/api';
import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../../shared/concurrency';
import { taskIdField } from '../../shared/descriptions';
import { continueWithError, isItemError, resultOrItemError } from '../../shared/itemErrors';
import { taskProgressJson } from '../../shared/taskProgress';
import { readTaskIds } from '../../shared/taskIds';
import { visionatrixJson } from '../../shared/transport';
import type { TaskDetails } from '../../shared/types';

// n8n's lint wants the literal default in the field: the reader takes it from there.
const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a simplified version of the response instead of the raw data. The simplified version leaves out the large ComfyUI graph (<code>flow_comfy</code>).',
	displayOptions: { show: { resource: ['task'], operation: ['getProgress'] } },
};

export const getProgressDescription: INodeProperties[] = [
	taskIdField('getProgress'),
	simplifyField,
];

/** Custom operation (a read, so retried like every read): the state of each item's task. */
export async function getProgress(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const signal = this.getExecutionCancelSignal();
	const taskIds = readTaskIds.call(this);
	const tasks = await mapWithConcurrency(taskIds, DEFAULT_CONCURRENCY, async (taskId, itemIndex) =>
		isItemError(taskId)
			? taskId
			: await resultOrItemError(
					this,
					itemIndex,
					async () =>
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
				return continueWithError.call(
					this,
					task,
					itemIndex,
					isItemError(taskId) ? {} : { task_id: taskId },
				);
			}
			const simplify = this.getNodeParameter(
				'simplify',
				itemIndex,
				simplifyField.default,
			) as boolean;
			return { json: taskProgressJson(task, simplify), pairedItem: { item: itemIndex } };
		}),
	];
}
