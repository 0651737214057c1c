import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS } from '../../actions/task/steps';

const showOnlyForCreate = { resource: ['task'], operation: ['create'] };

export const createDescription: INodeProperties[] = [
	{
		displayName: 'Flow',
		name: 'flow',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Visionatrix flow to run. Only flows installed on the server can run.',
		displayOptions: { show: showOnlyForCreate },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a flow...',
				typeOptions: { searchListMethod: 'searchFlows', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. sdxl_lighting',
				hint: 'The flow ID, as in the URL of the flow in Visionatrix',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[A-Za-z0-9_.-]+$',
							errorMessage: 'A flow ID has only letters, digits, "_", "-" and "."',
						},
					},
				],
			},
		],
	},
	{
		displayName: 'Inputs',
		name: 'flowInputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description:
			"The flow's inputs, as the server describes them. For an image, mask or video input, give the name of the item's binary field that holds the file (e.g. data), or another task's output as {\"task_id\": 1, \"node_id\": 9}.",
		displayOptions: { show: showOnlyForCreate },
		typeOptions: {
			loadOptionsDependsOn: ['flow.value'],
			resourceMapper: {
				resourceMapperMethod: 'getFlowInputs',
				mode: 'add',
				valuesLabel: 'Flow Inputs',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
			},
		},
	},
	{
		displayName: 'Inputs by Name',
		name: 'inputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input by Name',
		default: {},
		description:
			'Inputs given by their name, for a flow chosen by expression (whose fields cannot be shown above). A file input takes a binary field name or a task output reference.',
		displayOptions: { show: showOnlyForCreate },
		options: [
			{
				displayName: 'Input',
				name: 'input',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. prompt',
						description: 'Name of the flow input',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Value of the flow input. For a list input, the option as shown in Visionatrix.',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showOnlyForCreate },
		options: [
			{
				displayName: 'All Files in One Item',
				name: 'allFilesInOneItem',
				type: 'boolean',
				default: false,
				description:
					'Whether to put all files of a task in one item (fields data_0, data_1, …) instead of one item per file. Applies with Download Results.',
			},
			{
				displayName: 'Cancel Tasks When Stopped',
				name: 'cancelOnStop',
				type: 'boolean',
				default: false,
				description:
					'Whether to cancel the tasks still queued or running on the server when this execution is stopped, so no GPU time goes to results nobody will collect',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
				default: DEFAULT_CONCURRENCY,
				description: 'How many create requests and downloads run at the same time',
			},
			{
				displayName: 'Download Results',
				name: 'downloadResults',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait for the tasks and output their files as binary data, as Wait for Completion and Get Results would',
			},
			{
				displayName: 'Group Scope',
				name: 'groupScope',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 255, numberPrecision: 0 },
				default: 1,
				description: 'Group the tasks belong to (1–255); lists of tasks can be filtered by it',
			},
			{
				displayName: 'Max Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.2, numberPrecision: 1 },
				default: 5,
				description: 'Longest pause between two progress checks while waiting',
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 15, numberPrecision: 0 },
				default: 0,
				description: 'Queue priority from 0 to 15; higher runs first',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The output binary field for the files. Applies with Download Results.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description: 'How long to wait for the tasks before failing the item',
			},
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description: "Whether to wait until the tasks complete and output each task's final state",
			},
			{
				displayName: 'Webhook Headers',
				name: 'webhookHeaders',
				type: 'json',
				default: '{}',
				description:
					'Headers Visionatrix sends with each webhook call, as a JSON object, e.g. {"X-Token": "secret"}',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/hooks/visionatrix',
				description:
					'Visionatrix POSTs each progress change of the task to this URL followed by <code>/task-progress</code>',
			},
		],
	},
];
