import { progressSummaryRoute } from '../shared/api';
import { mapWithConcurrency } from '../shared/concurrency';
import { READ_CONCURRENCY, readTask, bodyBytes, type TaskReader } from '../shared/taskClient';
import { visionatrixRequest } from '../shared/transport';
import type { ProgressSummary, TaskDetails } from '../shared/types';
import type { ReadResult, TaskRead } from './readChoice';

/** Performs one read of a wait (see wait/waitPlan.ts): the tasks one by one, or one flow's and group's summary. */
export async function performRead(
	this: TaskReader,
	read: TaskRead,
	signal?: AbortSignal,
): Promise<ReadResult> {
	const states = new Map<number, TaskDetails | null>();
	if (read.kind === 'tasks') {
		const answers = await mapWithConcurrency(
			read.taskIds,
			READ_CONCURRENCY,
			async (taskId) => await readTask.call(this, taskId, signal),
		);
		const taskBytes = new Map<number, number>();
		for (const [index, taskId] of read.taskIds.entries()) {
			states.set(taskId, answers[index].task);
			taskBytes.set(taskId, answers[index].bytes);
		}
		return { states, taskBytes };
	}
	const response = await visionatrixRequest.call(
		this,
		{
			...progressSummaryRoute({ name: read.name, group_scope: read.groupScope }),
			abortSignal: signal,
		},
		{ doing: `get the progress of the tasks of flow '${read.name}'`, flow: read.name },
	);
	const summary = (response.body ?? {}) as ProgressSummary;
	// The summary shows the tasks it has; one it lacks is read on its own next (wait/waitPlan.ts).
	for (const taskId of read.taskIds) {
		const task = summary[String(taskId)];
		if (task) states.set(taskId, task);
	}
	for (const [key, task] of Object.entries(summary)) {
		const taskId = Number(key);
		if (!states.has(taskId) && task) states.set(taskId, task);
	}
	return {
		states,
		summary: {
			bytes: bodyBytes(response.headers, response.body),
			entries: Object.keys(summary).length,
		},
	};
}
