import type { IDataObject } from 'n8n-workflow';

import { taskStatus } from './taskStatus';
import type { TaskDetails } from './types';

/** The task's state as the node outputs it: the server's fields plus a derived `status`. */
export function taskProgressJson(task: TaskDetails, simplify: boolean): IDataObject {
	const { flow_comfy, ...rest } = task;
	const json: IDataObject = { ...rest, status: taskStatus(task) };
	if (!simplify && flow_comfy !== undefined) json.flow_comfy = flow_comfy as IDataObject;
	return json;
}
