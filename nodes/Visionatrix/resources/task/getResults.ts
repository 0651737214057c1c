import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	allFilesInOneItemOption,
	DEFAULT_BINARY_PROPERTY,
	taskIdField,
} from '../../shared/descriptions';
import {
	continueWithError,
	isItemError,
	itemError,
	toItemError,
	type ItemError,
} from '../../shared/itemErrors';
import {
	readResultItemSettings,
	resultItems,
	type ResultItemSettings,
} from '../../shared/outputItems';
import { fetchTaskStates } from '../../shared/taskClient';
import { readTaskIds } from '../../shared/taskIds';
import { outcomeMessage, type TaskOutcome } from '../../shared/taskOutcomes';
import { taskStatus } from '../../shared/taskStatus';
import type { TaskDetails } from '../../shared/types';
import { giveUp } from '../../wait/outage';
import { patienceOf } from '../../wait/patience';
import type { TaskOfItem } from '../../wait/pollWait';
import { downloadStep } from '../../wait/resultDownloads';

const showOnlyForGetResults = { resource: ['task'], operation: ['getResults'] };

export const getResultsDescription: INodeProperties[] = [
	taskIdField('getResults'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: DEFAULT_BINARY_PROPERTY,
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: showOnlyForGetResults },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showOnlyForGetResults },
		options: [allFilesInOneItemOption],
	},
];

/** One item's Put Output File in Field and options, read by name, each with its field's default. */
function readGetResultsSettings(this: IExecuteFunctions, itemIndex: number): ResultItemSettings {
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		allFilesInOneItem?: boolean;
	};
	return readResultItemSettings(
		this.getNodeParameter('binaryPropertyName', itemIndex, DEFAULT_BINARY_PROPERTY) as string,
		options.allFilesInOneItem,
	);
}

/**
 * Each task's details if it is completed, or why it has no results: each task read on its own (its
 * flow is not known before, and a summary of every flow would cost everything the user ever ran).
 */
async function completedTasks(
	this: IExecuteFunctions,
	tasks: TaskOfItem[],
): Promise<Array<TaskDetails | ItemError>> {
	let states: Map<number, TaskDetails | null>;
	const ids = [...new Set(tasks.map((t) => t.taskId))];
	const { watch, deadlineOf } = patienceOf(this);
	try {
		states = await watch.read(
			async () => await fetchTaskStates.call(this, ids, this.getExecutionCancelSignal()),
			deadlineOf(0),
			giveUp,
		);
	} catch (error) {
		const failure = toItemError(this, tasks[0]?.itemIndex ?? 0, error);
		return tasks.map(() => failure);
	}
	return tasks.map(({ taskId, itemIndex }) => {
		const task = states.get(taskId);
		const status = task ? taskStatus(task) : undefined;
		const outcome: TaskOutcome | undefined = !task
			? { kind: 'missing', taskId }
			: status === 'failed'
				? { kind: 'failedNoResults', taskId, task }
				: status !== 'completed'
					? { kind: 'notCompleted', taskId, status: status!, task }
					: undefined;
		if (outcome) {
			const { message, description } = outcomeMessage(outcome);
			return itemError(this.getNode(), itemIndex, message, description);
		}
		return task!;
	});
}

/** Custom operation: every result file of each item's task, as n8n binary data. */
export async function getResults(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const taskIds = readTaskIds.call(this);
	const asked = taskIds.flatMap((taskId, itemIndex) =>
		isItemError(taskId) ? [] : [{ taskId, itemIndex }],
	);
	const found = await completedTasks.call(this, asked);
	const tasks = taskIds.map((taskId, itemIndex) =>
		isItemError(taskId) ? taskId : found[asked.findIndex((a) => a.itemIndex === itemIndex)],
	);
	const ready = tasks.flatMap((task, itemIndex) =>
		isItemError(task) ? [] : [{ task, itemIndex }],
	);
	const files = await downloadStep.call(this, ready);

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, task] of tasks.entries()) {
		const downloaded = isItemError(task)
			? task
			: files[ready.findIndex((r) => r.itemIndex === itemIndex)];
		if (isItemError(downloaded)) {
			const taskId = taskIds[itemIndex];
			output.push(
				continueWithError.call(
					this,
					downloaded,
					itemIndex,
					isItemError(taskId) ? {} : { task_id: taskId },
				),
			);
			continue;
		}
		output.push(
			...resultItems(
				downloaded,
				task as TaskDetails,
				itemIndex,
				readGetResultsSettings.call(this, itemIndex),
			),
		);
	}
	return [output];
}
