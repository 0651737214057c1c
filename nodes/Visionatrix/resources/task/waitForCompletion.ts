import type { INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../shared/descriptions';

export const waitForCompletionDescription: INodeProperties[] = [
	taskIdField('waitForCompletion'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['task'], operation: ['waitForCompletion'] } },
		options: [
			{
				displayName: 'Cancel Tasks When Stopped',
				name: 'cancelOnStop',
				type: 'boolean',
				default: false,
				description:
					'Whether to cancel the tasks still queued or running on the server when this execution is stopped, so no GPU time goes to results nobody will collect',
			},
			{
				displayName: 'Max Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.2, numberPrecision: 1 },
				default: 5,
				description:
					'Longest pause between two progress checks. Checks start quick and slow down to this as the wait goes on.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 600,
				description:
					'How long to wait before failing the item. Video flows can need far longer than the 10 minutes default.',
			},
		],
	},
];
