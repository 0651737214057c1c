import type { INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../shared/descriptions';

export const setPriorityDescription: INodeProperties[] = [
	taskIdField('setPriority'),
	{
		displayName: 'Priority',
		name: 'priority',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 15, numberPrecision: 0 },
		required: true,
		default: 0,
		description: 'New queue priority from 0 to 15; higher runs first. Only a queued task can change.',
		displayOptions: { show: { resource: ['task'], operation: ['setPriority'] } },
		routing: { send: { type: 'body', property: 'priority' } },
	},
];
