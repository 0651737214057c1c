import type { IExecuteFunctions } from 'n8n-workflow';

import { concurrencyLimit, DEFAULT_CONCURRENCY } from '../shared/concurrency';
import { isItemError, resultOrItemError, type ItemError } from '../shared/itemErrors';
import {
	downloadResultFile,
	resultFiles,
	type DownloadedFile,
	type ResultFile,
} from '../shared/results';
import type { TaskDetails } from '../shared/types';
import { giveUp } from './outage';
import { patienceOf } from './patience';

/**
 * The downloads of Create and Get Results, each over all items at once with bounded concurrency:
 * an outage is waited out with the run's patience (patience.ts); one item's failure is that item's
 * error, the other items go on.
 */

/** Downloads every result file of one completed task, each file through the shared gate; an outage is waited out up to the item's deadline. */
export async function downloadTaskFiles(
	this: IExecuteFunctions,
	task: TaskDetails,
	itemIndex: number,
	gate: ReturnType<typeof concurrencyLimit>,
): Promise<DownloadedFile[] | ItemError> {
	const signal = this.getExecutionCancelSignal();
	const { watch, deadlineOf } = patienceOf(this);
	const download = async (file: ResultFile) =>
		await watch.read(
			async () => await downloadResultFile.call(this, file, itemIndex, signal),
			deadlineOf(itemIndex),
			giveUp,
		);
	const files = await Promise.all(
		resultFiles(task).map(
			async (file) =>
				await gate(
					async () => await resultOrItemError(this, itemIndex, async () => await download(file)),
				),
		),
	);
	return files.find(isItemError) ?? (files as DownloadedFile[]);
}

/** Downloads every result file of each completed task, a bounded number at a time. */
export async function downloadStep(
	this: IExecuteFunctions,
	tasks: Array<{ itemIndex: number; task: TaskDetails }>,
	concurrency = DEFAULT_CONCURRENCY,
): Promise<Array<DownloadedFile[] | ItemError>> {
	const gate = concurrencyLimit(concurrency);
	return await Promise.all(
		tasks.map(
			async ({ task, itemIndex }) => await downloadTaskFiles.call(this, task, itemIndex, gate),
		),
	);
}
