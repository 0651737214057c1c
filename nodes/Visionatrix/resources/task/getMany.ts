import type { INodeProperties } from 'n8n-workflow';

const showOnlyForGetMany = { resource: ['task'], operation: ['getMany'] };

export const getManyDescription: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: showOnlyForGetMany },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...showOnlyForGetMany, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showOnlyForGetMany },
		options: [
			{
				displayName: 'Flow Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'e.g. sdxl_lighting',
				description: 'Only tasks of this flow',
			},
			{
				displayName: 'Group Scope',
				name: 'groupScope',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 255, numberPrecision: 0 },
				default: 1,
				description: 'Only tasks of this group; 0 for tasks of every group',
			},
			{
				displayName: 'Only Parent Tasks',
				name: 'onlyParent',
				type: 'boolean',
				default: false,
				description: 'Whether to leave out tasks created from another task\'s output',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				default: [],
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Queued', value: 'queued' },
					{ name: 'Running', value: 'running' },
				],
				description: 'Only tasks in these states',
			},
		],
	},
];
