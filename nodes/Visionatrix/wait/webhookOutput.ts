import type { INode, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../shared/concurrency';
import { withoutItemIndex } from '../shared/itemErrors';
import { finalStateItem, resultItems } from '../shared/outputItems';
import {
	downloadResultFile,
	resultFiles,
	type DownloadedFile,
	type ResultFile,
} from '../shared/results';
import { getTask, type TaskReader } from '../shared/taskClient';
import { outcomeMessage, type TaskOutcome } from '../shared/taskOutcomes';
import { taskStatus } from '../shared/taskStatus';
import type { TaskDetails } from '../shared/types';
import { giveUp, type OutageWatch } from './outage';
import {
	isFinal,
	isTaskSlot,
	webhookErrorItem,
	type OutputSlot,
	type TaskSlot,
} from './webhookSlots';

/**
 * Reads the tasks one by one, the one most likely unfinished first (the last in line: the highest
 * id), and stops at the first that is still open (not final and not past its deadline): while one
 * task is open the execution keeps waiting, so the others need not be read. The task a final call
 * reports on is read last. When every task is done, every task has been read.
 */
export async function readUntilOpen(
	this: TaskReader,
	ids: number[],
	signal?: AbortSignal,
	reported?: number,
	pastDeadline: (id: number) => boolean = () => false,
): Promise<Map<number, TaskDetails | null>> {
	const order = [...ids].sort((a, b) => Number(a === reported) - Number(b === reported) || b - a);
	const states = new Map<number, TaskDetails | null>();
	for (const id of order) {
		const task = await getTask.call(this, id, signal);
		states.set(id, task);
		if (!isFinal(task) && !pastDeadline(id)) break;
	}
	return states;
}

function outcomeItem(
	node: INode,
	slot: TaskSlot,
	task: TaskDetails | null | undefined,
): INodeExecutionData | undefined {
	const taskId = slot.task_id;
	const outcome: TaskOutcome | undefined =
		task === null
			? { kind: 'missing', taskId }
			: task === undefined || !isFinal(task)
				? { kind: 'timeout', taskId, timeoutSeconds: slot.timeout, last: task }
				: taskStatus(task) === 'failed'
					? { kind: 'failed', taskId, task }
					: undefined;
	if (!outcome) return undefined;
	const { message, description } = outcomeMessage(outcome);
	return webhookErrorItem(node, slot, message, description);
}

/** One result file to download, for the output slot at slotIndex. */
interface PlannedDownload {
	file: ResultFile;
	slotIndex: number;
	item: number;
	deadline: number;
}

/** The result files to download: those of each finished task whose item asks for files. */
function plannedDownloads(
	node: INode,
	slots: OutputSlot[],
	states: Map<number, TaskDetails | null>,
): PlannedDownload[] {
	return slots.flatMap((slot, slotIndex) => {
		if (!isTaskSlot(slot) || !slot.task.files) return [];
		const task = states.get(slot.task.task_id);
		if (!task || outcomeItem(node, slot.task, task)) return [];
		return resultFiles(task).map((file) => ({
			file,
			slotIndex,
			item: slot.task.item,
			deadline: slot.task.deadline,
		}));
	});
}

/** Downloads the files, a few at a time, through an outage until each one's deadline; a failed one is its error. */
async function fetchDownloads(
	context: TaskReader,
	downloads: PlannedDownload[],
	watch: OutageWatch,
): Promise<Array<DownloadedFile | Error>> {
	return await mapWithConcurrency(
		downloads,
		DEFAULT_CONCURRENCY,
		async ({ file, item, deadline }) => {
			try {
				return await watch.read(
					async () => await downloadResultFile.call(context, file, item),
					deadline,
					giveUp,
				);
			} catch (error) {
				return error as Error;
			}
		},
	);
}

/** A task slot's output: its error item, its final state, or its downloaded files. */
function taskSlotItems(
	node: INode,
	slot: TaskSlot,
	task: TaskDetails | null | undefined,
	files: Array<DownloadedFile | Error>,
): INodeExecutionData[] {
	const problem = outcomeItem(node, slot, task);
	if (problem || !task) return [problem!];
	if (!slot.files) return [finalStateItem(task, slot.item)];
	const failed = files.find((file): file is Error => file instanceof Error);
	if (failed) {
		return [
			webhookErrorItem(
				node,
				slot,
				withoutItemIndex(failed.message),
				(failed as { description?: string }).description ?? 'Run Get Results for this task later.',
			),
		];
	}
	return resultItems(files as DownloadedFile[], task, slot.item, slot.files);
}

/**
 * The node's output once every task is final or past its deadline: final states, or downloaded
 * files, in slot order; what went wrong for a task is that task's error item.
 */
export async function finish(
	context: TaskReader,
	slots: OutputSlot[],
	states: Map<number, TaskDetails | null>,
	watch: OutageWatch,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const downloads = plannedDownloads(node, slots, states);
	const fetched = await fetchDownloads(context, downloads, watch);
	const output: INodeExecutionData[] = [];
	for (const [slotIndex, slot] of slots.entries()) {
		if (!isTaskSlot(slot)) {
			output.push(slot.ready);
			continue;
		}
		const files = fetched.filter((_, i) => downloads[i].slotIndex === slotIndex);
		output.push(...taskSlotItems(node, slot.task, states.get(slot.task.task_id), files));
	}
	return output;
}
