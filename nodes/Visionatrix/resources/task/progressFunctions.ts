import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { throwIfVisionatrixError } from '../../shared/errors';
import { parseTaskId, taskStatus } from '../../shared/taskStatus';
import { itemErrorContext } from '../../shared/transport';
import type { TaskDetails } from '../../shared/types';

/** The task's state as the node outputs it: the server's fields plus a derived `status`. */
export function taskProgressJson(task: TaskDetails, simplify: boolean): IDataObject {
	const { flow_comfy, ...rest } = task;
	const json: IDataObject = { ...rest, status: taskStatus(task) };
	if (!simplify && flow_comfy !== undefined) json.flow_comfy = flow_comfy as IDataObject;
	return json;
}

/** preSend: checks the Task ID (the server would answer a 422 for "abc") and puts it in the path. */
export async function setTaskIdInPath(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const raw = this.getNodeParameter('taskId');
	const taskId = parseTaskId(raw);
	if (taskId === undefined) {
		const itemIndex = this.getItemIndex();
		throw new NodeOperationError(
			this.getNode(),
			`Parameter 'Task ID' must be a whole number, not '${String(raw)}' [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					'Give the numeric ID of a Visionatrix task, for example {{ $json.task_id }} after Create Task.',
			},
		);
	}
	return { ...requestOptions, url: `/tasks/progress/${taskId}` };
}

/** postReceive: the progress of one task, with `status`, without the ComfyUI graph unless asked. */
export async function shapeTaskProgress(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const taskId = parseTaskId(this.getNodeParameter('taskId'));
	await throwIfVisionatrixError(
		this.getNode(),
		response,
		await itemErrorContext.call(this, `get the progress of task ${taskId}`, { taskId }),
	);
	const simplify = this.getNodeParameter('simplify', true) as boolean;
	return [
		{
			json: taskProgressJson(response.body as TaskDetails, simplify),
			pairedItem: { item: this.getItemIndex() },
		},
	];
}
