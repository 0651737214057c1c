import type { INodeProperties } from 'n8n-workflow';

import { taskIdField, waitOptions } from '../../shared/descriptions';

export const waitForCompletionDescription: INodeProperties[] = [
	taskIdField('waitForCompletion'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['task'], operation: ['waitForCompletion'] } },
		options: [...waitOptions],
	},
];
