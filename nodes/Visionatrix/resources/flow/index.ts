import type { INodeProperties } from 'n8n-workflow';

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
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many flows',
				description: 'List the flows installed on the server, with their inputs',
			},
		],
		default: 'getMany',
	},
	...getManyDescription,
	...getDescription,
];
