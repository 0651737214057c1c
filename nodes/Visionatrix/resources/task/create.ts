import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	DEFAULT_CONCURRENCY,
	concurrencyLimit,
	mapWithConcurrency,
} from '../../shared/concurrency';
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
} from '../../shared/createFields';
import { flowField } from '../../shared/descriptions';
import {
	type ItemError,
	continueWithError,
	isItemError,
	resultOrItemError,
} from '../../shared/itemErrors';
import {
	finalStateItem,
	queuedTaskJson,
	readResultItemSettings,
	resultItems,
	type ResultItemSettings,
} from '../../shared/outputItems';
import type { DownloadedFile } from '../../shared/results';
import type { CreateTaskResponse, TaskDetails } from '../../shared/types';
import { CreateOnWebhook } from '../../wait/createOnWebhook';
import { TaskCreator } from '../../wait/lostCreate';
import { waitStep, type TaskOfItem } from '../../wait/pollWait';
import { downloadTaskFiles } from '../../wait/resultDownloads';
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
		files: readResultItemSettings(
			options.binaryPropertyName as string | undefined,
			options.allFilesInOneItem,
		),
		form: options as CreateFormOptions,
	};
}

interface Created {
	flow: string;
	response: CreateTaskResponse;
	/** When the server answered (ms): the tasks were queued by then. */
	createdAt: number;
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
	const created = await mapWithConcurrency(
		items,
		concurrency,
		async (_, itemIndex) =>
			await resultOrItemError(this, itemIndex, async (): Promise<Created> => {
				const { flow, form } = await buildCreateRequest.call(this, itemIndex);
				const settings = settingsOf(itemIndex);
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
	return [await pollAndOutput.call(this, created, settingsOf)];
}

/** Polls for the tasks of the items that wait, downloading each task's files as soon as it completes; then the output. */
async function pollAndOutput(
	this: IExecuteFunctions,
	created: Array<Created | ItemError>,
	settingsOf: SettingsOf,
): Promise<INodeExecutionData[]> {
	const toWaitFor: TaskOfItem[] = created.flatMap((result, itemIndex) =>
		isItemError(result) || !settingsOf(itemIndex).wait
			? []
			: result.response.tasks_ids.map((taskId) => ({
					taskId,
					itemIndex,
					flow: result.flow,
					groupScope: settingsOf(itemIndex).groupScope,
					createdAt: result.createdAt,
				})),
	);
	// Output Files: a task's files are fetched as soon as it completes, while the others still run.
	const gate = concurrencyLimit(settingsOf(0).concurrency);
	const downloads = new Map<number, Promise<DownloadedFile[] | ItemError>>();
	const itemOfTask = new Map(toWaitFor.map(({ taskId, itemIndex }) => [taskId, itemIndex]));
	const finals = await waitStep.call(this, toWaitFor, settingsOf, (task) => {
		const itemIndex = itemOfTask.get(task.task_id);
		if (itemIndex === undefined || !settingsOf(itemIndex).download || downloads.has(task.task_id))
			return;
		const download = downloadTaskFiles.call(this, task, itemIndex, gate);
		// Awaited below; if the execution is stopped first, its rejection must not go unhandled.
		download.catch(() => undefined);
		downloads.set(task.task_id, download);
	});
	const finalOf = (taskId: number): TaskDetails | ItemError =>
		finals[toWaitFor.findIndex((t) => t.taskId === taskId)];

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, result] of created.entries()) {
		if (isItemError(result)) output.push(continueWithError.call(this, result, itemIndex));
		else
			for (const taskId of result.response.tasks_ids)
				output.push(
					...(await taskOutput.call(
						this,
						result,
						taskId,
						itemIndex,
						settingsOf(itemIndex),
						finalOf,
						downloads,
					)),
				);
	}
	return output;
}

/** What Create outputs for one task of an item: its ID, its final state, its files, or its error. */
async function taskOutput(
	this: IExecuteFunctions,
	created: Created,
	taskId: number,
	itemIndex: number,
	{ wait, download, files }: CreateSettings,
	finalOf: (taskId: number) => TaskDetails | ItemError,
	downloads: Map<number, Promise<DownloadedFile[] | ItemError>>,
): Promise<INodeExecutionData[]> {
	if (!wait)
		return [
			{
				json: queuedTaskJson(taskId, created.flow, created.response.outputs),
				pairedItem: { item: itemIndex },
			},
		];
	const failed = (error: ItemError) => [
		continueWithError.call(this, error, itemIndex, { task_id: taskId, flow: created.flow }),
	];
	const final = finalOf(taskId);
	if (isItemError(final)) return failed(final);
	if (!download) return [finalStateItem(final, itemIndex)];
	const taskFiles = await downloads.get(taskId)!;
	return isItemError(taskFiles)
		? failed(taskFiles)
		: resultItems(taskFiles, final, itemIndex, files);
}
