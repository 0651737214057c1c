import type { INodeProperties } from 'n8n-workflow';

import { taskIdField, waitModeOptions, waitOptions } from '../../shared/descriptions';

export const waitForCompletionDescription: INodeProperties[] = [
	taskIdField('waitForCompletion'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['task'], operation: ['waitForCompletion'] } },
		// Sorted by name, as n8n lists options.
		options: [waitOptions[0], waitModeOptions[0], waitOptions[1], waitOptions[2], waitModeOptions[1]],
	},
];
