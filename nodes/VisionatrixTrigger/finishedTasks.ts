import type { IDataObject } from 'n8n-workflow';

import { taskStatus } from '../Visionatrix/shared/taskStatus';
import type { ProgressSummary, TaskDetails } from '../Visionatrix/shared/types';

/**
 * What the trigger remembers between polls (n8n keeps it in the workflow's static data): not every
 * task it has seen, which grows with the server's history, but the highest task id seen and the
 * tasks that were still unfinished at the last poll. A task is newly finished when it is finished
 * now and was either unfinished then or not there at all.
 */
interface SeenTasks {
	/** The filters the state was taken with: other filters start afresh (no replay). */
	filter: string;
	lastTaskId: number;
	unfinished: number[];
}

export type TaskEvent = 'completed' | 'failed' | 'finished';

function isFinished(task: TaskDetails): boolean {
	const status = taskStatus(task);
	return status === 'completed' || status === 'failed';
}

function matchesEvent(task: TaskDetails, event: TaskEvent): boolean {
	const status = taskStatus(task);
	return event === 'finished' ? status === 'completed' || status === 'failed' : status === event;
}

/** The summary's tasks, oldest first (the server keys them by id, as strings). */
function byId(summary: ProgressSummary): TaskDetails[] {
	return Object.values(summary).sort((a, b) => a.task_id - b.task_id);
}

/** The state after this poll: every task of the summary taken into account. */
export function stateOf(summary: ProgressSummary, filter: string, previous?: SeenTasks): SeenTasks {
	const tasks = byId(summary);
	return {
		filter,
		lastTaskId: tasks.reduce(
			(highest, task) => Math.max(highest, task.task_id),
			previous?.lastTaskId ?? 0,
		),
		unfinished: tasks.filter((task) => !isFinished(task)).map((task) => task.task_id),
	};
}

/** The tasks that finished since the state was taken, matching the event, oldest first. */
export function newlyFinished(
	summary: ProgressSummary,
	seen: SeenTasks,
	event: TaskEvent,
): TaskDetails[] {
	const wasUnfinished = new Set(seen.unfinished);
	return byId(summary).filter(
		(task) =>
			isFinished(task) &&
			(task.task_id > seen.lastTaskId || wasUnfinished.has(task.task_id)) &&
			matchesEvent(task, event),
	);
}

/** The most recent finished task matching the event (the highest id: the summary has no finish times). */
export function mostRecentFinished(
	summary: ProgressSummary,
	event: TaskEvent,
): TaskDetails | undefined {
	return byId(summary)
		.filter((task) => matchesEvent(task, event))
		.at(-1);
}

/** Reads the state back from the node's static data, if it is there and for these filters. */
export function readSeen(staticData: IDataObject, filter: string): SeenTasks | undefined {
	const { filter: stored, lastTaskId, unfinished } = staticData;
	if (stored !== filter || typeof lastTaskId !== 'number' || !Array.isArray(unfinished))
		return undefined;
	return {
		filter,
		lastTaskId,
		unfinished: unfinished.filter((id): id is number => typeof id === 'number'),
	};
}

export function writeSeen(staticData: IDataObject, seen: SeenTasks): void {
	staticData.filter = seen.filter;
	staticData.lastTaskId = seen.lastTaskId;
	staticData.unfinished = seen.unfinished;
}
