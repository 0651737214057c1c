import type { IDataObject } from 'n8n-workflow';

import { taskStatus } from '../Visionatrix/shared/taskStatus';
import type { ProgressSummary, TaskDetails } from '../Visionatrix/shared/types';

/**
 * What the trigger remembers between polls (n8n keeps it in the workflow's static data). Task ids
 * only grow, on the whole server: a poll asks for the ids above the last task of the user it has
 * seen, one by one, and re-reads the user's tasks that were unfinished. It never keeps every task
 * it has seen, so what it keeps does not grow with the server's history.
 */
export interface PollState {
	/** The filters the state was taken with: other filters start afresh (no replay). */
	filter: string;
	/** The highest id of the user's own tasks seen (any flow); the next poll asks for the ids above it. */
	lastTaskId: number;
	/** Tasks matching the filters that were unfinished when last read. */
	unfinished: number[];
	/**
	 * Ids below `lastTaskId` that answered 404 once. The server gives a task its id before it stores
	 * the task (it checks the inputs and the flow in between), so a task created at the same time as
	 * a later one can show up after it: each is asked once more at the next poll.
	 */
	holes: number[];
	/**
	 * Polls since the last full look (one read of the summary, which lists every task of the
	 * filters). Missing in the state of the trigger's first release: its first poll then looks at
	 * every task of the user once, to learn the last one.
	 */
	sinceFullLook?: number;
}

export type TaskEvent = 'completed' | 'failed' | 'finished';

/** Only tasks of this flow (empty: every flow) and group scope (0: every group). */
export interface TaskFilters {
	flow: string;
	groupScope: number;
}

export function isFinished(task: TaskDetails): boolean {
	const status = taskStatus(task);
	return status === 'completed' || status === 'failed';
}

export function matchesEvent(task: TaskDetails, event: TaskEvent): boolean {
	const status = taskStatus(task);
	return event === 'finished' ? status === 'completed' || status === 'failed' : status === event;
}

export function matchesFilters(task: TaskDetails, { flow, groupScope }: TaskFilters): boolean {
	return (!flow || task.name === flow) && (!groupScope || (task.group_scope ?? 1) === groupScope);
}

/** The summary's tasks, oldest first (the server keys them by id, as strings). */
export function byId(summary: ProgressSummary): TaskDetails[] {
	return Object.values(summary).sort((a, b) => a.task_id - b.task_id);
}

/**
 * The state at the first poll after publishing (or after the filters changed), from a summary of
 * every task of the user: everything there counts as seen, so nothing old is replayed.
 */
export function firstState(
	everything: ProgressSummary,
	filters: TaskFilters,
	filter: string,
): PollState {
	const tasks = byId(everything);
	return {
		filter,
		lastTaskId: tasks.at(-1)?.task_id ?? 0,
		unfinished: tasks
			.filter((task) => matchesFilters(task, filters) && !isFinished(task))
			.map((task) => task.task_id),
		holes: [],
		sinceFullLook: 0,
	};
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

const numbers = (value: unknown): number[] =>
	Array.isArray(value) ? value.filter((id): id is number => typeof id === 'number') : [];

/** Reads the state back from the node's static data, if it is there and for these filters. */
export function readState(staticData: IDataObject, filter: string): PollState | undefined {
	const { filter: stored, lastTaskId, unfinished, holes, sinceFullLook } = staticData;
	if (stored !== filter || typeof lastTaskId !== 'number' || !Array.isArray(unfinished))
		return undefined;
	return {
		filter,
		lastTaskId,
		unfinished: numbers(unfinished),
		holes: numbers(holes),
		sinceFullLook: typeof sinceFullLook === 'number' ? sinceFullLook : undefined,
	};
}

export function writeState(staticData: IDataObject, state: PollState): void {
	staticData.filter = state.filter;
	staticData.lastTaskId = state.lastTaskId;
	staticData.unfinished = state.unfinished;
	staticData.holes = state.holes;
	staticData.sinceFullLook = state.sinceFullLook;
}
