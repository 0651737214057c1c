import type { INodeProperties } from 'n8n-workflow';

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
		displayName: 'Flow Inputs',
		name: 'inputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input',
		default: {},
		description:
			'Values of the flow\'s inputs, by input name (for example <code>prompt</code>). For a list input, send the option\'s key.',
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
						description: 'Value of the flow input',
					},
				],
			},
		],
	},
	{
		displayName: 'File Inputs',
		name: 'fileInputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add File Input',
		default: {},
		description:
			'Image, mask or video inputs of the flow, each taken from a binary property of the incoming item',
		displayOptions: { show: showOnlyForCreate },
		options: [
			{
				displayName: 'File',
				name: 'file',
				values: [
					{
						displayName: 'Input Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. input_image',
						description: 'Name of the flow input that takes the file',
					},
					{
						displayName: 'Input Binary Field',
						name: 'binaryProperty',
						type: 'string',
						default: 'data',
						hint: 'The name of the input binary field containing the file to be uploaded',
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
				displayName: 'Count',
				name: 'count',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 1,
				description:
					'How many tasks to create from these inputs; each gets the next seed. The node outputs one item per task.',
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
				displayName: 'Priority',
				name: 'priority',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 15, numberPrecision: 0 },
				default: 0,
				description: 'Queue priority from 0 to 15; higher runs first',
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 0,
				description: 'Seed for the random generator, to get the same result again. Random when not set.',
			},
			{
				displayName: 'Translate Prompt',
				name: 'translate',
				type: 'boolean',
				default: false,
				description: 'Whether Visionatrix should translate the prompt into English before running the flow',
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
