import type { INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../shared/descriptions';

export const getProgressDescription: INodeProperties[] = [
	taskIdField('getProgress'),
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return a simplified version of the response instead of the raw data. The simplified version leaves out the large ComfyUI graph (<code>flow_comfy</code>).',
		displayOptions: { show: { resource: ['task'], operation: ['getProgress'] } },
	},
];
