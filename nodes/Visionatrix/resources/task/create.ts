import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, concurrencyLimit, mapWithConcurrency } from '../../shared/concurrency';
import { buildCreateRequest, type CreateFormOptions } from '../../shared/createForm';
import {
	binaryPropertyOption,
	concurrencyOption,
	DEFAULT_GROUP_SCOPE,
	groupScopeOption,
	inputsByNameOfVersion1,
	inputsByNameValues,
	optionsOfVersion1,
	priorityOption,
	webhookHeadersOption,
	webhookUrlOption,
} from '../../shared/createOptions';
import { allFilesInOneItemOption, cancelOnStopOption, fallbackIntervalOption, flowField, pollIntervalOption, timeoutOption, waitModeOption } from '../../shared/descriptions';
import { type ItemError, continueWithError, isItemError, resultOrItemError } from '../../shared/itemErrors';
import { finalStateItem, readResultItemSettings, resultItems, type ResultItemSettings } from '../../shared/outputItems';
import type { DownloadedFile } from '../../shared/results';
import type { CreateTaskResponse, TaskDetails } from '../../shared/types';
import { CreateOnWebhook } from '../../wait/createOnWebhook';
import { TaskCreator } from '../../wait/lostCreate';
import { waitStep, type TaskOfItem } from '../../wait/pollWait';
import { downloadTaskFiles } from '../../wait/resultDownloads';
import { readWaitOptions, type WaitOptions } from '../../wait/waitOptions';
import { waitOnWebhook } from '../../wait/webhookWait';

const showOnlyForCreate = { resource: ['task'], operation: ['create'] };
/** Version 1 keeps its fields as stored workflows have them (shared/createOptions.ts); 1.1 has the Output field. */
const fromVersion11 = { '@version': [{ _cnd: { gte: 1.1 } }] };
/** Options of 1.1 that apply only when Create waits, or only when it outputs the files. */
const whenWaiting = { show: { '/output': ['finalState', 'files'] } };
const withFiles = { show: { '/output': ['files'] } };
/** What Create outputs when Output is not set. */
const DEFAULT_OUTPUT = 'files';

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
		default: DEFAULT_OUTPUT,
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
		displayOptions: { show: { ...showOnlyForCreate, ...fromVersion11, flow: [{ _cnd: { startsWith: '=' } }] } },
		options: inputsByNameValues,
	},
	optionsOfVersion1,
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

/** What Create outputs: in 1.1 its Output field; in version 1 its Wait for Completion and Download Results options. */
type CreateOutput = 'taskIds' | 'finalState' | 'files';

/** One item's Create options, read by name, each with its field's default. */
interface CreateSettings extends WaitOptions {
	/** Create waits for the tasks (Output Final State or Files). */
	wait: boolean;
	/** Create downloads the files (Output Files). */
	download: boolean;
	concurrency: number;
	/** The group scope the wait reads the tasks' summary by, when it is a whole number. */
	groupScope?: number;
	files: ResultItemSettings;
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
		...readWaitOptions(options),
		wait: output !== 'taskIds',
		download: output === 'files',
		concurrency: (options.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY,
		groupScope: Number.isInteger(groupScope) ? groupScope : undefined,
		files: readResultItemSettings(options.binaryPropertyName as string | undefined, options.allFilesInOneItem),
		form: options as CreateFormOptions,
	};
}

/** A queued task's outputs, without the sizes the server does not know yet (it sends -1). */
function queuedOutputs(outputs: CreateTaskResponse['outputs']): IDataObject[] {
	return outputs.map((output) => {
		const known: IDataObject = { ...(output as unknown as IDataObject) };
		for (const size of ['file_size', 'batch_size']) if (known[size] === -1) delete known[size];
		return known;
	});
}

interface Created {
	flow: string;
	response: CreateTaskResponse;
	/** When the server answered (ms): the tasks were queued by then. */
	createdAt: number;
}

type SettingsOf = (itemIndex: number) => CreateSettings;

function createdJson(created: Created, taskId: number): IDataObject {
	return { task_id: taskId, flow: created.flow, outputs: queuedOutputs(created.response.outputs) };
}

/**
 * Custom operation: creates each item's task(s), a bounded number of requests at a time, and with
 * the options waits for them and downloads their files, as the separate operations would. A create
 * request is never retried: a second one would queue a second task on the GPU.
 */
export async function createTask(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const read = new Map<number, CreateSettings>();
	const settingsOf: SettingsOf = (itemIndex) => read.get(itemIndex) ?? read.set(itemIndex, readCreateSettings.call(this, itemIndex)).get(itemIndex)!;
	const concurrency = settingsOf(0).concurrency;
	const signal = this.getExecutionCancelSignal();
	// Wait Mode "On Webhook" (the first item's setting): the tasks report to this execution's resume URL.
	const onWebhook = settingsOf(0).waitMode === 'webhook' && items.some((_, i) => settingsOf(i).wait) ? new CreateOnWebhook(this) : undefined;

	// Sent once each; a create whose answer is lost is looked for, never sent again.
	const creator = new TaskCreator(this);
	const created = await mapWithConcurrency(items, concurrency, async (_, itemIndex) =>
		await resultOrItemError(this, itemIndex, async (): Promise<Created> => {
			const { flow, form } = await buildCreateRequest.call(this, itemIndex, settingsOf(itemIndex).form);
			if (onWebhook && settingsOf(itemIndex).wait) onWebhook.addWebhookUrl(form, itemIndex, settingsOf(itemIndex).form);
			const response = await creator.create(flow, form, itemIndex, signal);
			return { flow, response, createdAt: Date.now() };
		}),
	);

	if (onWebhook) return await createdOnWebhook.call(this, onWebhook, created, settingsOf);
	return [await pollAndOutput.call(this, created, settingsOf)];
}

/** Wait Mode "On Webhook": the execution waits for the tasks to report; n8n resumes it with the output. */
async function createdOnWebhook(this: IExecuteFunctions, onWebhook: CreateOnWebhook, created: Array<Created | ItemError>, settingsOf: SettingsOf): Promise<INodeExecutionData[][]> {
	const slots = onWebhook.slots(
		created.map((result) =>
			isItemError(result) ? result : { flow: result.flow, taskIds: result.response.tasks_ids, json: (taskId: number) => createdJson(result, taskId) },
		),
		(itemIndex) => {
			const settings = settingsOf(itemIndex);
			return { wait: settings.wait, download: settings.download, options: { webhookUrl: settings.form.webhookUrl, timeout: settings.timeout, files: settings.files } };
		},
		(error, itemIndex) => continueWithError.call(this, error as ItemError, itemIndex),
	);
	return await waitOnWebhook.call(this, slots, { fallbackInterval: settingsOf(0).fallbackInterval, pollInterval: settingsOf(0).pollInterval, checkWebhookUrls: false });
}

/** Polls for the tasks of the items that wait, downloading each task's files as soon as it completes; then the output. */
async function pollAndOutput(this: IExecuteFunctions, created: Array<Created | ItemError>, settingsOf: SettingsOf): Promise<INodeExecutionData[]> {
	const toWaitFor: TaskOfItem[] = created.flatMap((result, itemIndex) =>
		isItemError(result) || !settingsOf(itemIndex).wait
			? []
			: result.response.tasks_ids.map((taskId) => ({ taskId, itemIndex, flow: result.flow, groupScope: settingsOf(itemIndex).groupScope, createdAt: result.createdAt })),
	);
	// Output Files: a task's files are fetched as soon as it completes, while the others still run.
	const gate = concurrencyLimit(settingsOf(0).concurrency);
	const downloads = new Map<number, Promise<DownloadedFile[] | ItemError>>();
	const itemOfTask = new Map(toWaitFor.map(({ taskId, itemIndex }) => [taskId, itemIndex]));
	const finals = await waitStep.call(this, toWaitFor, settingsOf, (task) => {
		const itemIndex = itemOfTask.get(task.task_id);
		if (itemIndex === undefined || !settingsOf(itemIndex).download || downloads.has(task.task_id)) return;
		const download = downloadTaskFiles.call(this, task, itemIndex, gate);
		// Awaited below; if the execution is stopped first, its rejection must not go unhandled.
		download.catch(() => undefined);
		downloads.set(task.task_id, download);
	});
	const finalOf = (taskId: number): TaskDetails | ItemError => finals[toWaitFor.findIndex((t) => t.taskId === taskId)];

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, result] of created.entries()) {
		if (isItemError(result)) {
			output.push(continueWithError.call(this, result, itemIndex));
			continue;
		}
		const { download, wait, files } = settingsOf(itemIndex);
		for (const taskId of result.response.tasks_ids) {
			const failed = (error: ItemError) => continueWithError.call(this, error, itemIndex, { task_id: taskId, flow: result.flow });
			if (!wait) {
				output.push({ json: createdJson(result, taskId), pairedItem: { item: itemIndex } });
				continue;
			}
			const final = finalOf(taskId);
			if (isItemError(final)) output.push(failed(final));
			else if (!download) output.push(finalStateItem(final, itemIndex));
			else {
				const taskFiles = await downloads.get(taskId)!;
				output.push(...(isItemError(taskFiles) ? [failed(taskFiles)] : resultItems(taskFiles, final, itemIndex, files)));
			}
		}
	}
	return output;
}
