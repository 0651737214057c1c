import type { INodeProperties } from 'n8n-workflow';

import { fallbackIntervalOption, taskIdField, waitModeOption, waitOptions } from '../../shared/descriptions';

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
		options: [waitOptions[0], fallbackIntervalOption, waitOptions[1], waitOptions[2], waitModeOption('waitForCompletion')],
	},
];
