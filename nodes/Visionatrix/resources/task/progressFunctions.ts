import type { IDataObject, IExecuteSingleFunctions, IN8nHttpFullResponse, INodeExecutionData } from 'n8n-workflow';

import { taskStatus } from '../../shared/taskStatus';
import type { ProgressSummary, TaskDetails } from '../../shared/types';

/** The task's state as the node outputs it: the server's fields plus a derived `status`. */
export function taskProgressJson(task: TaskDetails, simplify: boolean): IDataObject {
	const { flow_comfy, ...rest } = task;
	const json: IDataObject = { ...rest, status: taskStatus(task) };
	if (!simplify && flow_comfy !== undefined) json.flow_comfy = flow_comfy as IDataObject;
	return json;
}

/** postReceive (after the error check): the progress of one task, with `status`, without the ComfyUI graph unless asked. */
export async function shapeTaskProgress(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const simplify = this.getNodeParameter('simplify', true) as boolean;
	return [
		{
			json: taskProgressJson(response.body as TaskDetails, simplify),
			pairedItem: { item: this.getItemIndex() },
		},
	];
}

/** postReceive (after the error check): the progress summary as one item per task, filtered by status. */
export async function splitTaskSummary(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const { status = [] } = this.getNodeParameter('filters', {}) as { status?: string[] };
	const returnAll = this.getNodeParameter('returnAll', false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', 50) as number);
	const item = this.getItemIndex();
	return Object.values(response.body as ProgressSummary)
		.map((task) => taskProgressJson(task, true))
		.filter((task) => status.length === 0 || status.includes(task.status as string))
		.sort((a, b) => Number(b.task_id) - Number(a.task_id))
		.slice(0, limit)
		.map((json) => ({ json, pairedItem: { item } }));
}
