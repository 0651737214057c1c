import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from './concurrency';
import {
	allFilesInOneItemOption,
	cancelOnStopOption,
	DEFAULT_BINARY_PROPERTY,
	fallbackIntervalOption,
	pollIntervalOption,
	timeoutOption,
	waitMeaningOptions,
	waitModeOption,
} from './descriptions';

/** Create's fields that resources/task/create.ts puts together: its options, its inputs, and version 1's fields. */

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
	default: DEFAULT_CONCURRENCY,
	description: 'How many create requests and downloads run at the same time',
};
/** The server's own default group scope. */
export const DEFAULT_GROUP_SCOPE = 1;

export const groupScopeOption: INodeProperties = {
	displayName: 'Group Scope',
	name: 'groupScope',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 255, numberPrecision: 0 },
	default: DEFAULT_GROUP_SCOPE,
	description: 'Group the tasks belong to (1–255); lists of tasks can be filtered by it',
};
export const priorityOption: INodeProperties = {
	displayName: 'Priority',
	name: 'priority',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 15, numberPrecision: 0 },
	default: 0,
	description: 'Queue priority from 0 to 15; higher runs first',
};
export const binaryPropertyOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: DEFAULT_BINARY_PROPERTY,
	description: 'The output binary field for the files',
};
export const webhookHeadersOption: INodeProperties = {
	displayName: 'Webhook Headers',
	name: 'webhookHeaders',
	type: 'json',
	default: '{}',
	description:
		'Headers Visionatrix sends with each webhook call, as a JSON object, e.g. {"X-Token": "secret"}',
};
export const webhookUrlOption: INodeProperties = {
	displayName: 'Webhook URL',
	name: 'webhookUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/hooks/visionatrix',
	description:
		'Visionatrix POSTs each progress change of the task to this URL followed by <code>/task-progress</code>',
};

export const inputsByNameValues: INodeProperties['options'] = [
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
				description:
					'Value of the flow input. For a list input, the option as shown in Visionatrix.',
			},
		],
	},
];

const showOnlyForCreate = { resource: ['task'], operation: ['create'] };
const showOnlyForCreateInVersion1 = { ...showOnlyForCreate, '@version': [1] };

/** The flow's inputs as typed fields, from the server's description of the flow (resourceMapping/getFlowInputs.ts). */
export const flowInputsField: INodeProperties = {
	displayName: 'Inputs',
	name: 'flowInputs',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	description:
		"The flow's inputs, as the server describes them. An input marked * needs a value; one left out or empty takes the flow's default, which a field shows when it is added.",
	displayOptions: { show: showOnlyForCreate },
	typeOptions: {
		loadOptionsDependsOn: ['flow.value'],
		resourceMapper: {
			resourceMapperMethod: 'getFlowInputs',
			// Not 'add': in that mode n8n checks required fields itself, by their ids, and refuses to run
			// or publish, also with the field list older versions stored; the node checks every input.
			mode: 'map',
			valuesLabel: 'Flow Inputs',
			fieldWords: { singular: 'input', plural: 'inputs' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: false,
		},
	},
};

export const fileInputNotice: INodeProperties = {
	// The resource mapper shows no hint of its own: what a file input takes is said here.
	displayName:
		'(File) inputs, if the flow has any, take the name of a binary field of the incoming item (e.g. data), or another task\'s output as {"task_id": N, "node_id": M}',
	name: 'fileInputNotice',
	type: 'notice',
	default: '',
	// Once the picked flow's inputs are there. Which of them are files n8n cannot tell: displayOptions
	// test a value at one path, and the inputs are entries of one array (flowInputs.schema).
	displayOptions: {
		show: { ...showOnlyForCreate, 'flowInputs.schema': [{ _cnd: { exists: true } }] },
	},
};

/** Version 1's Inputs by Name, shown whatever the Flow. */
export const inputsByNameOfVersion1: INodeProperties = {
	displayName: 'Inputs by Name',
	name: 'inputs',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Input by Name',
	default: {},
	description:
		'Inputs given by their name, for a flow chosen by expression (whose fields cannot be shown above). A file input takes a binary field name or a task output reference.',
	displayOptions: { show: showOnlyForCreateInVersion1 },
	options: inputsByNameValues,
};

/** Version 1's Options: Wait for Completion and Download Results in place of 1.1's Output field. */
export const optionsOfVersion1: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: showOnlyForCreateInVersion1 },
	// Sorted by name, as n8n lists options, shared ones included.
	options: [
		{
			...allFilesInOneItemOption,
			description: `${allFilesInOneItemOption.description}. Applies with Download Results.`,
		},
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
		{
			...binaryPropertyOption,
			description: `${binaryPropertyOption.description}. Applies with Download Results.`,
		},
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
};

/** Options of 1.1 and later that apply only when Create waits, or only when it outputs the files. */
const whenWaiting = { show: { '/output': ['finalState', 'files'] } };
const withFiles = { show: { '/output': ['files'] } };

/**
 * The Options of 1.1 and later: those of waiting shown only when Output waits, those of files only
 * with Output Files. From 1.2 Timeout counts each task's own run and the cancel option also cancels
 * the tasks the wait gives up on (same names, new meaning: a new version, shared/descriptions.ts).
 */
function optionsFromVersion11(version: '1.1' | '1.2'): INodeProperties {
	const { timeout, cancel } = waitMeaningOptions(version === '1.2' ? '1.2' : 'before1.2');
	const versions = version === '1.2' ? [{ _cnd: { gte: 1.2 } }] : [1.1];
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { ...showOnlyForCreate, '@version': versions } },
		// Sorted by name, as n8n lists options.
		options: [
			{ ...allFilesInOneItemOption, displayOptions: withFiles },
			{ ...cancel, displayOptions: whenWaiting },
			concurrencyOption,
			{
				...fallbackIntervalOption,
				displayOptions: { show: { ...whenWaiting.show, waitMode: ['webhook'] } },
			},
			groupScopeOption,
			{ ...pollIntervalOption, displayOptions: whenWaiting },
			priorityOption,
			{ ...binaryPropertyOption, displayOptions: withFiles },
			{ ...timeout, displayOptions: whenWaiting },
			{ ...waitModeOption('create'), displayOptions: whenWaiting },
			webhookHeadersOption,
			webhookUrlOption,
		],
	};
}

export const optionsOfVersion11 = optionsFromVersion11('1.1');
export const optionsOfVersion12 = optionsFromVersion11('1.2');
