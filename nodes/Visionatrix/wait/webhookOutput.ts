import type { INode, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../shared/concurrency';
import { withoutItemIndex } from '../shared/itemErrors';
import { finalStateItem, resultItems } from '../shared/outputItems';
import { downloadResultFile, resultFiles, type DownloadedFile } from '../shared/results';
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
	const downloads = slots.flatMap((slot, slotIndex) => {
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
	const fetched = await mapWithConcurrency(
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

	const output: INodeExecutionData[] = [];
	for (const [slotIndex, slot] of slots.entries()) {
		if (!isTaskSlot(slot)) {
			output.push(slot.ready);
			continue;
		}
		const task = states.get(slot.task.task_id);
		const problem = outcomeItem(node, slot.task, task);
		if (problem || !task) {
			output.push(problem!);
			continue;
		}
		if (!slot.task.files) {
			output.push(finalStateItem(task, slot.task.item));
			continue;
		}
		const files = fetched.filter((_, i) => downloads[i].slotIndex === slotIndex);
		const failed = files.find((file): file is Error => file instanceof Error);
		if (failed) {
			output.push(
				webhookErrorItem(
					node,
					slot.task,
					withoutItemIndex(failed.message),
					(failed as { description?: string }).description ??
						'Run Get Results for this task later.',
				),
			);
			continue;
		}
		output.push(...resultItems(files as DownloadedFile[], task, slot.task.item, slot.task.files));
	}
	return output;
}
