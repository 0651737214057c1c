import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { concurrencyLimit, DEFAULT_CONCURRENCY, mapWithConcurrency } from '../../shared/concurrency';
import { DEFAULT_FALLBACK_INTERVAL_SECONDS } from '../../shared/descriptions';
import type { DownloadedFile } from '../../shared/results';
import type { CreateTaskResponse, TaskDetails } from '../../shared/types';
import { buildCreateRequest } from './createForm';
import { TaskCreator } from './createRecovery';
import { type ItemError, continueWithError, isItemError, resultOrItemError } from '../../shared/itemErrors';
import { waitStep, type TaskOfItem, type WaitSettings } from '../../wait/pollWait';
import { downloadTaskFiles, finalStateItem, resultItems } from './steps';
import { CreateOnWebhook } from '../../wait/createOnWebhook';
import { waitOnWebhook, type WaitMode } from '../../wait/webhookWait';

interface CreateOptions extends WaitSettings {
	waitForCompletion?: boolean;
	downloadResults?: boolean;
	binaryPropertyName?: string;
	allFilesInOneItem?: boolean;
	concurrency?: number;
	waitMode?: WaitMode;
	fallbackInterval?: number;
	webhookUrl?: string;
}

/** What Create outputs: in 1.1 its Output field; in version 1 its Wait for Completion and Download Results options. */
export type CreateOutput = 'taskIds' | 'finalState' | 'files';

function createOutput(this: IExecuteFunctions, itemIndex: number, options: CreateOptions): { wait: boolean; download: boolean } {
	const output: CreateOutput =
		this.getNode().typeVersion >= 1.1
			? (this.getNodeParameter('output', itemIndex, 'files') as CreateOutput)
			: options.downloadResults === true
				? 'files'
				: options.waitForCompletion === true
					? 'finalState'
					: 'taskIds';
	return { wait: output !== 'taskIds', download: output === 'files' };
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

/**
 * Custom operation: creates each item's task(s), a bounded number of requests at a time, and with
 * the options waits for them and downloads their files, as the separate operations would. A create
 * request is never retried: a second one would queue a second task on the GPU.
 */
export async function createTask(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const optionsOf = (itemIndex: number) => this.getNodeParameter('options', itemIndex, {}) as CreateOptions;
	const concurrency = optionsOf(0).concurrency ?? DEFAULT_CONCURRENCY;
	const signal = this.getExecutionCancelSignal();
	const wants = (itemIndex: number) => createOutput.call(this, itemIndex, optionsOf(itemIndex));
	// Wait Mode "On Webhook" (the first item's setting): the tasks report to this execution's resume URL.
	const onWebhook = optionsOf(0).waitMode === 'webhook' && items.some((_, i) => wants(i).wait) ? new CreateOnWebhook(this) : undefined;

	// Sent once each; a create whose answer is lost is looked for, never sent again.
	const creator = new TaskCreator(this);
	const created = await mapWithConcurrency(items, concurrency, async (_, itemIndex) =>
		await resultOrItemError(this, itemIndex, async (): Promise<Created> => {
			const { flow, form } = await buildCreateRequest.call(this, itemIndex);
			if (onWebhook && wants(itemIndex).wait) onWebhook.addWebhookUrl(form, itemIndex, optionsOf(itemIndex));
			const response = await creator.create(flow, form, itemIndex, signal);
			return { flow, response, createdAt: Date.now() };
		}),
	);

	if (onWebhook) {
		const slots = onWebhook.slots(
			created.map((result) =>
				isItemError(result)
					? result
					: {
							flow: result.flow,
							taskIds: result.response.tasks_ids,
							json: (taskId: number): IDataObject => ({ task_id: taskId, flow: result.flow, outputs: queuedOutputs(result.response.outputs) }),
						},
			),
			(itemIndex) => ({ ...wants(itemIndex), options: optionsOf(itemIndex) }),
			(error, itemIndex) => continueWithError.call(this, error as ItemError, itemIndex),
		);
		return await waitOnWebhook.call(this, slots, { fallbackInterval: optionsOf(0).fallbackInterval ?? DEFAULT_FALLBACK_INTERVAL_SECONDS, checkWebhookUrls: false });
	}

	// The server's default group scope is 1; the wait learns it from its first read otherwise.
	const groupScopeOf = (itemIndex: number) => {
		const groupScope = Number((optionsOf(itemIndex) as { groupScope?: number }).groupScope ?? 1);
		return Number.isInteger(groupScope) ? groupScope : undefined;
	};
	const toWaitFor: TaskOfItem[] = created.flatMap((result, itemIndex) =>
		isItemError(result) || !wants(itemIndex).wait
			? []
			: result.response.tasks_ids.map((taskId) => ({ taskId, itemIndex, flow: result.flow, groupScope: groupScopeOf(itemIndex), createdAt: result.createdAt })),
	);
	// Download Results: a task's files are fetched as soon as it completes, while the others still run.
	const gate = concurrencyLimit(concurrency);
	const downloads = new Map<number, Promise<DownloadedFile[] | ItemError>>();
	const itemOfTask = new Map(toWaitFor.map(({ taskId, itemIndex }) => [taskId, itemIndex]));
	const finals = await waitStep.call(this, toWaitFor, optionsOf, (task) => {
		const itemIndex = itemOfTask.get(task.task_id);
		if (itemIndex === undefined || !wants(itemIndex).download || downloads.has(task.task_id)) return;
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
		const { download, wait } = wants(itemIndex);
		for (const taskId of result.response.tasks_ids) {
			const createdJson: IDataObject = { task_id: taskId, flow: result.flow, outputs: queuedOutputs(result.response.outputs) };
			if (!wait) {
				output.push({ json: createdJson, pairedItem: { item: itemIndex } });
				continue;
			}
			const final = finalOf(taskId);
			if (isItemError(final)) {
				output.push(continueWithError.call(this, final, itemIndex, { task_id: taskId, flow: result.flow }));
				continue;
			}
			if (!download) {
				output.push(finalStateItem(final, itemIndex));
				continue;
			}
			const taskFiles = await downloads.get(taskId)!;
			if (isItemError(taskFiles)) {
				output.push(continueWithError.call(this, taskFiles, itemIndex, { task_id: taskId, flow: result.flow }));
				continue;
			}
			const options = optionsOf(itemIndex);
			output.push(
				...resultItems(taskFiles, final, itemIndex, {
					binaryPropertyName: options.binaryPropertyName ?? 'data',
					allFilesInOneItem: options.allFilesInOneItem === true,
				}),
			);
		}
	}
	return [output];
}
