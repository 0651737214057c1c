import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../../shared/concurrency';
import { allFilesInOneItemOption, cancelOnStopOption, fallbackIntervalOption, flowField, pollIntervalOption, timeoutOption, waitModeOption } from '../../shared/descriptions';

const showOnlyForCreate = { resource: ['task'], operation: ['create'] };
/** Version 1 keeps its fields as stored workflows have them; 1.1 has the Output field. */
const inVersion1 = { '@version': [1] };
const fromVersion11 = { '@version': [{ _cnd: { gte: 1.1 } }] };
/** Options of 1.1 that apply only when Create waits, or only when it outputs the files. */
const whenWaiting = { show: { '/output': ['finalState', 'files'] } };
const withFiles = { show: { '/output': ['files'] } };

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
	default: DEFAULT_CONCURRENCY,
	description: 'How many create requests and downloads run at the same time',
};
const groupScopeOption: INodeProperties = {
	displayName: 'Group Scope',
	name: 'groupScope',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 255, numberPrecision: 0 },
	default: 1,
	description: 'Group the tasks belong to (1–255); lists of tasks can be filtered by it',
};
const priorityOption: INodeProperties = {
	displayName: 'Priority',
	name: 'priority',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 15, numberPrecision: 0 },
	default: 0,
	description: 'Queue priority from 0 to 15; higher runs first',
};
const binaryPropertyOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'The output binary field for the files',
};
const webhookHeadersOption: INodeProperties = {
	displayName: 'Webhook Headers',
	name: 'webhookHeaders',
	type: 'json',
	default: '{}',
	description: 'Headers Visionatrix sends with each webhook call, as a JSON object, e.g. {"X-Token": "secret"}',
};
const webhookUrlOption: INodeProperties = {
	displayName: 'Webhook URL',
	name: 'webhookUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/hooks/visionatrix',
	description: 'Visionatrix POSTs each progress change of the task to this URL followed by <code>/task-progress</code>',
};

const inputsByNameValues: INodeProperties['options'] = [
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
];

export const createDescription: INodeProperties[] = [
	flowField({ show: showOnlyForCreate }, 'The Visionatrix flow to run. Only flows installed on the server can run.'),
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { ...showOnlyForCreate, ...fromVersion11 } },
		options: [
			{
				name: 'Files',
				value: 'files',
				description: "Wait for the tasks and output their files as binary data, one item per file",
			},
			{
				name: 'Final State',
				value: 'finalState',
				description: "Wait for the tasks and output each task's final state, as Wait for Completion does",
			},
			{
				name: 'Task IDs',
				value: 'taskIds',
				description: 'Queue the tasks and output their IDs at once; Wait for Completion and Get Results take them later',
			},
		],
		default: 'files',
		description: 'What Create outputs',
	},
	{
		displayName: 'Inputs',
		name: 'flowInputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description: "The flow's inputs, as the server describes them. An input left out or empty takes the server's default, shown in its label.",
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
		// The resource mapper shows no hint of its own: what a file input takes is said here.
		displayName:
			'A (File) input takes the name of a binary field of the incoming item (e.g. data), or another task\'s output as {"task_id": N, "node_id": M}',
		name: 'fileInputNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: showOnlyForCreate },
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
		displayOptions: { show: { ...showOnlyForCreate, ...inVersion1 } },
		options: inputsByNameValues,
	},
	{
		displayName: 'Inputs by Name',
		name: 'inputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input by Name',
		default: {},
		description:
			'The inputs of a flow chosen by expression, whose fields cannot be shown above. A file input takes a binary field name or a task output reference.',
		// Shown only while Flow is an expression (n8n shows a field whose condition is an expression).
		displayOptions: { show: { ...showOnlyForCreate, ...fromVersion11, flow: [{ _cnd: { startsWith: '=' } }] } },
		options: inputsByNameValues,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { ...showOnlyForCreate, ...inVersion1 } },
		// Sorted by name, as n8n lists options, shared ones included.
		options: [
			{ ...allFilesInOneItemOption, description: `${allFilesInOneItemOption.description}. Applies with Download Results.` },
			cancelOnStopOption,
			concurrencyOption,
			{
				displayName: 'Download Results',
				name: 'downloadResults',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait for the tasks and output their files as binary data, as Wait for Completion and Get Results would',
			},
			fallbackIntervalOption,
			groupScopeOption,
			pollIntervalOption,
			priorityOption,
			{ ...binaryPropertyOption, description: `${binaryPropertyOption.description}. Applies with Download Results.` },
			timeoutOption,
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description: "Whether to wait until the tasks complete and output each task's final state",
			},
			{
				...waitModeOption('create'),
				description: `${waitModeOption('create').description} Applies with Wait for Completion or Download Results.`,
			},
			webhookHeadersOption,
			webhookUrlOption,
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { ...showOnlyForCreate, ...fromVersion11 } },
		// Sorted by name, as n8n lists options.
		options: [
			{ ...allFilesInOneItemOption, displayOptions: withFiles },
			{ ...cancelOnStopOption, displayOptions: whenWaiting },
			concurrencyOption,
			{ ...fallbackIntervalOption, displayOptions: { show: { ...whenWaiting.show, waitMode: ['webhook'] } } },
			groupScopeOption,
			{ ...pollIntervalOption, displayOptions: whenWaiting },
			priorityOption,
			{ ...binaryPropertyOption, displayOptions: withFiles },
			{ ...timeoutOption, displayOptions: whenWaiting },
			{ ...waitModeOption('create'), displayOptions: whenWaiting },
			webhookHeadersOption,
			webhookUrlOption,
		],
	},
];
