import type { INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../shared/descriptions';

export const restartDescription: INodeProperties[] = [
	taskIdField('restart'),
	{
		displayName: 'Force',
		name: 'force',
		type: 'boolean',
		default: false,
		description: 'Whether to restart the task even if it did not fail (for example a finished task)',
		displayOptions: { show: { resource: ['task'], operation: ['restart'] } },
		routing: { send: { type: 'query', property: 'force' } },
	},
];
