import type { INodeProperties } from 'n8n-workflow';

import { cancelOnStopOption, fallbackIntervalOption, pollIntervalOption, taskIdField, timeoutOption, waitModeOption } from '../../shared/descriptions';

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
		options: [cancelOnStopOption, fallbackIntervalOption, pollIntervalOption, timeoutOption, waitModeOption('waitForCompletion')],
	},
];
