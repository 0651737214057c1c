import type { INodeProperties, INodePropertyRouting } from 'n8n-workflow';

import { restartTaskRoute } from '../../shared/api';
import { taskIdField } from '../../shared/descriptions';
import { actionDone, checkBaseUrl, failOnTaskErrorStatus, toTaskRoute } from '../../shared/routing';

/** One request per item, by routing; Force goes in the query. */
export const restartRouting: INodePropertyRouting = {
	send: { preSend: [checkBaseUrl, toTaskRoute(restartTaskRoute)] },
	output: { postReceive: [failOnTaskErrorStatus('restart'), actionDone('restarted')] },
};

export const restartDescription: INodeProperties[] = [
	taskIdField('restart'),
	{
		displayName: 'Force',
		name: 'force',
		type: 'boolean',
		default: false,
		description:
			'Whether to restart the task even if it did not fail (for example a finished task)',
		displayOptions: { show: { resource: ['task'], operation: ['restart'] } },
		routing: { send: { type: 'query', property: 'force' } },
	},
];
