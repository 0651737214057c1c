import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { progressSummaryRoute } from '../Visionatrix/shared/api';
import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../Visionatrix/shared/concurrency';
import { readTask } from '../Visionatrix/shared/taskClient';
import { visionatrixJson, type RequestContext } from '../Visionatrix/shared/transport';
import type { ProgressSummary, TaskDetails } from '../Visionatrix/shared/types';
import { byId, isFinished, matchesFilters, type PollState, type TaskFilters } from './pollState';

/**
 * How a poll finds the tasks that finished since the last one, at a cost that does not grow with
 * the server's history: `GET {prefix}/tasks/progress/{id}` for the ids above the user's last task
 * (404 for other users' tasks and ids not given out yet) and for the user's unfinished tasks, and
 * only every {@link FULL_LOOK_EVERY}th poll one read of the summary, which lists every task of the
 * filters, to catch what the reads one by one cannot see (a task restarted in Visionatrix, one
 * that finished out of turn, the user's next task behind a long run of other users' tasks).
 */

/** Every this many polls, one full look (every half hour or so at n8n's shortest interval). */
export const FULL_LOOK_EVERY = 30;
/** Ids asked for past the user's last task before a poll stops: other users' tasks sit in between. */
export const SWEEP_GAP = 20;
/** Unfinished tasks re-read per poll, oldest first (workers take tasks in order, mostly). */
export const REREADS_PER_POLL = 20;
/**
 * Tasks read per poll at most, beyond the re-reads: after a long outage or a re-publish, the next
 * polls go on where one stopped. It keeps a poll short (n8n starts the next one on time even when
 * the last is still running) and an execution within a few hundred items.
 */
export const MAX_READS_PER_POLL = 200;

/** Group Scope 0: tasks of every group (the server's own default is group 1 only). */
export const EVERY_GROUP = 0;

/** `GET {prefix}/tasks/progress-summary` of the filters, filtered on the server. */
export async function readSummary(
	this: RequestContext,
	{ flow, groupScope }: TaskFilters,
): Promise<ProgressSummary> {
	const qs: IDataObject = { group_scope: groupScope };
	if (flow) qs.name = flow;
	return (await visionatrixJson.call(this, progressSummaryRoute(qs), {
		doing: 'list the tasks',
		...(flow && { flow }),
	})) as ProgressSummary;
}

/** Each id's task, or its id among `missing` when the server does not know it (for this user). */
async function readTasks(
	this: IPollFunctions,
	ids: number[],
): Promise<{ tasks: TaskDetails[]; missing: number[] }> {
	const answers = await mapWithConcurrency(
		ids,
		DEFAULT_CONCURRENCY,
		async (id) => (await readTask.call(this, id)).task,
	);
	return {
		tasks: answers.filter((task): task is TaskDetails => task !== null),
		missing: ids.filter((_, index) => answers[index] === null),
	};
}

interface Sweep {
	tasks: TaskDetails[];
	lastTaskId: number;
	holes: number[];
}

/**
 * Asks for the ids above `from` until {@link SWEEP_GAP} of them in a row answer 404, or `budget`
 * tasks are found. The 404s below a task found are other users' tasks, or ones being created:
 * they become holes.
 */
async function sweepFrom(this: IPollFunctions, from: number, budget: number): Promise<Sweep> {
	const sweep: Sweep = { tasks: [], lastTaskId: from, holes: [] };
	let pending: number[] = [];
	let next = from + 1;
	while (sweep.tasks.length < budget) {
		const end = sweep.lastTaskId + SWEEP_GAP;
		const ids = Array.from({ length: end - next + 1 }, (_, index) => next + index);
		const { tasks, missing } = await readTasks.call(this, ids);
		pending.push(...missing);
		if (tasks.length === 0) return sweep;
		sweep.tasks.push(...tasks);
		sweep.lastTaskId = Math.max(...tasks.map((task) => task.task_id));
		sweep.holes.push(...pending.filter((id) => id < sweep.lastTaskId));
		pending = pending.filter((id) => id > sweep.lastTaskId);
		next = end + 1;
	}
	return sweep;
}

/** Which known tasks this poll reads, which it keeps as unfinished unread, and where the sweep starts. */
interface ReadPlan {
	read: number[];
	keep: number[];
	lastTaskId: number;
	/** More tasks finished than a poll reads: the next poll looks again. */
	capped?: boolean;
}

function rereadPlan(state: PollState): ReadPlan {
	const oldestFirst = [...state.unfinished].sort((a, b) => a - b);
	return {
		read: oldestFirst.slice(0, REREADS_PER_POLL),
		keep: oldestFirst.slice(REREADS_PER_POLL),
		lastTaskId: state.lastTaskId,
	};
}

/**
 * The full look: the summary gives every task's state, so only the tasks that finished (and were
 * unfinished, or are new) are read, for the details the summary leaves out. A state of the
 * trigger's first release does not know the user's last task of other flows: it looks at every task once.
 */
async function fullLookPlan(
	this: IPollFunctions,
	state: PollState,
	filters: TaskFilters,
): Promise<ReadPlan> {
	const everyTask = state.sinceFullLook === undefined;
	const all = byId(
		await readSummary.call(this, everyTask ? { flow: '', groupScope: EVERY_GROUP } : filters),
	);
	const wasUnfinished = new Set(state.unfinished);
	const tasks = all.filter((task) => matchesFilters(task, filters));
	const read = tasks
		.filter(
			(task) =>
				isFinished(task) && (task.task_id > state.lastTaskId || wasUnfinished.has(task.task_id)),
		)
		.map((task) => task.task_id);
	const keep = tasks.filter((task) => !isFinished(task)).map((task) => task.task_id);
	if (read.length <= MAX_READS_PER_POLL)
		return { read, keep, lastTaskId: Math.max(state.lastTaskId, all.at(-1)?.task_id ?? 0) };
	// The oldest first; the ones above the last read are new to the next look.
	const first = read.slice(0, MAX_READS_PER_POLL);
	return { read: first, keep, lastTaskId: Math.max(state.lastTaskId, first.at(-1)!), capped: true };
}

/** The tasks matching the filters that finished since the last poll (oldest first), and the next state. */
export async function scanTasks(
	this: IPollFunctions,
	state: PollState,
	filters: TaskFilters,
): Promise<{ finished: TaskDetails[]; state: PollState }> {
	const fullLook = state.sinceFullLook === undefined || state.sinceFullLook + 1 >= FULL_LOOK_EVERY;
	const plan = fullLook ? await fullLookPlan.call(this, state, filters) : rereadPlan(state);
	const known = await readTasks.call(this, [...new Set([...plan.read, ...state.holes])]);
	const sweep = await sweepFrom.call(this, plan.lastTaskId, MAX_READS_PER_POLL - plan.read.length);
	const read = new Map<number, TaskDetails>();
	for (const task of [...known.tasks, ...sweep.tasks])
		if (matchesFilters(task, filters)) read.set(task.task_id, task);
	const tasks = [...read.values()].sort((a, b) => a.task_id - b.task_id);
	const unfinished = new Set(plan.keep.filter((id) => !read.has(id)));
	for (const task of tasks) if (!isFinished(task)) unfinished.add(task.task_id);
	return {
		finished: tasks.filter(isFinished),
		state: {
			filter: state.filter,
			lastTaskId: sweep.lastTaskId,
			unfinished: [...unfinished].sort((a, b) => a - b),
			holes: sweep.holes,
			sinceFullLook: plan.capped
				? state.sinceFullLook
				: fullLook
					? 0
					: (state.sinceFullLook ?? 0) + 1,
		},
	};
}
