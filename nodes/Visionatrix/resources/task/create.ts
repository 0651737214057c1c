import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../../shared/concurrency';
import {
	appendOptionFields,
	buildCreateRequest,
	type CreateFormOptions,
} from '../../shared/createForm';
import {
	DEFAULT_GROUP_SCOPE,
	fileInputNotice,
	flowInputsField,
	inputsByNameOfVersion1,
	inputsByNameValues,
	optionsOfVersion1,
	optionsOfVersion11,
	optionsOfVersion12,
} from '../../shared/createFields';
import { flowField } from '../../shared/descriptions';
import { assertWorkerFor } from '../../shared/flowCatalog';
import { resultOrItemError } from '../../shared/itemErrors';
import { readResultItemSettings } from '../../shared/outputItems';
import { CreateOnWebhook } from '../../wait/createOnWebhook';
import { pollAndOutput, type Created, type CreatePollSettings } from '../../wait/createPoll';
import { TaskCreator } from '../../wait/lostCreate';
import { readWaitOptions, type WaitOptions } from '../../wait/waitOptions';

const showOnlyForCreate = { resource: ['task'], operation: ['create'] };
/** Version 1 keeps its fields as stored workflows have them (shared/createFields.ts); 1.1 has the Output field. */
const fromVersion11 = { '@version': [{ _cnd: { gte: 1.1 } }] };
/** What Create outputs when Output is not set. */
const DEFAULT_OUTPUT = 'files';

export const createDescription: INodeProperties[] = [
	flowField(
		{ show: showOnlyForCreate },
		'The Visionatrix flow to run. Only flows installed on the server can run.',
	),
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
				description: 'Wait for the tasks and output their files as binary data, one item per file',
			},
			{
				name: 'Final State',
				value: 'finalState',
				description:
					"Wait for the tasks and output each task's final state, as Wait for Completion does",
			},
			{
				name: 'Task IDs',
				value: 'taskIds',
				description:
					'Queue the tasks and output their IDs at once; Wait for Completion and Get Results take them later',
			},
		],
		default: DEFAULT_OUTPUT,
		description: 'What Create outputs',
	},
	flowInputsField,
	fileInputNotice,
	inputsByNameOfVersion1,
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
		displayOptions: {
			show: { ...showOnlyForCreate, ...fromVersion11, flow: [{ _cnd: { startsWith: '=' } }] },
		},
		options: inputsByNameValues,
	},
	optionsOfVersion1,
	optionsOfVersion11,
	optionsOfVersion12,
];

/** What Create outputs: in 1.1 its Output field; in version 1 its Wait for Completion and Download Results options. */
type CreateOutput = 'taskIds' | 'finalState' | 'files';

/** One item's Create options, read by name, each with its field's default. */
interface CreateSettings extends WaitOptions, CreatePollSettings {
	/** The options that become fields of the create form. */
	form: CreateFormOptions;
}

function readCreateSettings(this: IExecuteFunctions, itemIndex: number): CreateSettings {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const output: CreateOutput =
		this.getNode().typeVersion >= 1.1
			? (this.getNodeParameter('output', itemIndex, DEFAULT_OUTPUT) as CreateOutput)
			: options.downloadResults === true
				? 'files'
				: options.waitForCompletion === true
					? 'finalState'
					: 'taskIds';
	const groupScope = Number(options.groupScope ?? DEFAULT_GROUP_SCOPE);
	return {
		...readWaitOptions(options, this.getNode().typeVersion),
		wait: output !== 'taskIds',
		download: output === 'files',
		concurrency: (options.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY,
		groupScope: Number.isInteger(groupScope) ? groupScope : undefined,
		files: readResultItemSettings(
			options.binaryPropertyName as string | undefined,
			options.allFilesInOneItem,
		),
		form: options as CreateFormOptions,
	};
}

type SettingsOf = (itemIndex: number) => CreateSettings;

/**
 * Custom operation: creates each item's task(s), a bounded number of requests at a time, and with
 * the options waits for them and downloads their files, as the separate operations would. A create
 * request is never retried: a second one would queue a second task on the GPU.
 */
export async function createTask(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const read = new Map<number, CreateSettings>();
	const settingsOf: SettingsOf = (itemIndex) =>
		read.get(itemIndex) ??
		read.set(itemIndex, readCreateSettings.call(this, itemIndex)).get(itemIndex)!;
	const concurrency = settingsOf(0).concurrency;
	const signal = this.getExecutionCancelSignal();
	// Wait Mode "On Webhook" (the first item's setting): the tasks report to this execution's resume URL.
	const onWebhook =
		settingsOf(0).waitMode === 'webhook' && items.some((_, i) => settingsOf(i).wait)
			? new CreateOnWebhook(this)
			: undefined;

	// Sent once each; a create whose answer is lost is looked for, never sent again.
	const creator = new TaskCreator(this);
	// Version 1.2: the flows a connected worker can run, checked before any waiting item's task is created.
	const checkedFlows = new Set<string>();
	const created = await mapWithConcurrency(
		items,
		concurrency,
		async (_, itemIndex) =>
			await resultOrItemError(this, itemIndex, async (): Promise<Created> => {
				const { flow, form } = await buildCreateRequest.call(this, itemIndex);
				const settings = settingsOf(itemIndex);
				if (settings.wait && settings.timeoutCounts === 'run') {
					await assertWorkerFor.call(this, flow, itemIndex);
					checkedFlows.add(flow);
				}
				appendOptionFields.call(this, form, itemIndex, settings.form);
				if (onWebhook && settings.wait) onWebhook.addWebhookUrl(form, itemIndex, settings.form);
				const response = await creator.create(flow, form, itemIndex, signal);
				return { flow, response, createdAt: Date.now() };
			}),
	);

	if (onWebhook)
		return await onWebhook.wait(created, settingsOf, {
			fallbackInterval: settingsOf(0).fallbackInterval,
			pollInterval: settingsOf(0).pollInterval,
		});
	return [await pollAndOutput.call(this, created, settingsOf, [...checkedFlows])];
}
