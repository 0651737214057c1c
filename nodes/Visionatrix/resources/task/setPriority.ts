import type { INodeProperties, INodePropertyRouting } from 'n8n-workflow';

import { setTaskPriorityRoute } from '../../shared/api';
import { taskIdField } from '../../shared/descriptions';
import { actionDone, checkBaseUrl, failOnTaskErrorStatus, toTaskRoute } from '../../shared/routing';

/** One request per item, by routing; Priority goes in the body. */
export const setPriorityRouting: INodePropertyRouting = {
	send: { preSend: [checkBaseUrl, toTaskRoute(setTaskPriorityRoute)] },
	output: {
		postReceive: [failOnTaskErrorStatus('set the priority of'), actionDone('priority set')],
	},
};

export const setPriorityDescription: INodeProperties[] = [
	taskIdField('setPriority'),
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 15, numberPrecision: 0 },
		required: true,
		default: 0,
		description:
			'New queue priority from 0 to 15; higher runs first. Only a queued task can change.',
		displayOptions: { show: { resource: ['task'], operation: ['setPriority'] } },
		routing: { send: { type: 'body', property: 'priority' } },
	},
];
