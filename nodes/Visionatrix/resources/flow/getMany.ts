import type { INodeProperties } from 'n8n-workflow';

export const getManyDescription: INodeProperties[] = [
	{
		displayName: 'Include Hidden Flows',
		name: 'includeHidden',
		type: 'boolean',
		default: false,
		description: 'Whether to include flows that Visionatrix hides from its own UI (helper flows)',
		displayOptions: { show: { resource: ['flow'], operation: ['getMany'] } },
	},
];
