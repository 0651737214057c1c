import type { INodeProperties } from 'n8n-workflow';

import { checkBaseUrl, failOnErrorStatus } from '../../shared/routing';
import { pickFlow, splitFlows } from './flowFunctions';
import { getDescription } from './get';
import { getManyDescription } from './getMany';

export const flowDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['flow'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a flow',
				description: 'Get an installed flow with its inputs',
				routing: {
					request: { method: 'GET', url: '/flows/installed' },
					send: { preSend: [checkBaseUrl] },
					output: { postReceive: [failOnErrorStatus(() => ({ doing: 'list the installed flows' })), pickFlow] },
				},
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many flows',
				description: 'List the flows installed on the server, with their inputs',
				routing: {
					request: { method: 'GET', url: '/flows/installed' },
					send: { preSend: [checkBaseUrl] },
					output: { postReceive: [failOnErrorStatus(() => ({ doing: 'list the installed flows' })), splitFlows] },
				},
			},
		],
		default: 'getMany',
	},
	...getManyDescription,
	...getDescription,
];
