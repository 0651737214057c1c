import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../../actions/task/steps';
import { allFilesInOneItemOption, flowField, waitModeOptions, waitOptions } from '../../shared/descriptions';

const showOnlyForCreate = { resource: ['task'], operation: ['create'] };

export const createDescription: INodeProperties[] = [
	flowField({ show: showOnlyForCreate }, 'The Visionatrix flow to run. Only flows installed on the server can run.'),
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
		// Sorted by name, as n8n lists options; the shared ones are spliced in their place.
		options: [
			{ ...allFilesInOneItemOption, description: `${allFilesInOneItemOption.description}. Applies with Download Results.` },
			waitOptions[0],
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
			waitModeOptions[0],
			{
				displayName: 'Group Scope',
				name: 'groupScope',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 255, numberPrecision: 0 },
				default: 1,
				description: 'Group the tasks belong to (1–255); lists of tasks can be filtered by it',
			},
			waitOptions[1],
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
			waitOptions[2],
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description: "Whether to wait until the tasks complete and output each task's final state",
			},
			{
				...waitModeOptions[1],
				description: `${waitModeOptions[1].description} Applies with Wait for Completion or Download Results; On Webhook sets the tasks' webhook URL itself.`,
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
