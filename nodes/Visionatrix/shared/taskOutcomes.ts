import { clockTime } from './clockTime';
import { noAnswerCause } from './networkErrors';
import { taskStatus } from './taskStatus';
import type { Outage, TaskDetails } from './types';

/**
 * What a task's end means to the user, in one table: the poll path, Get Results and the webhook
 * path all take their messages from here.
 */
export type TaskOutcome =
	| { kind: 'failed'; taskId: number; task: TaskDetails }
	| { kind: 'missing'; taskId: number }
	| {
			kind: 'timeout';
			taskId: number;
			timeoutSeconds: number;
			last?: TaskDetails;
			outage?: Outage;
			/** What Timeout counted: the whole wait (versions 1 and 1.1, the default) or the task's own run (1.2). */
			limit?: 'wait' | 'run';
			/** Queued: how many of the run's tasks the line puts before it. */
			ahead?: number;
			/** The node cancelled it on the server (Cancel Unfinished Tasks). */
			cancelled?: boolean;
	  }
	/** Version 1.2: running, and its worker sent no report for 5 minutes. */
	| { kind: 'stalled'; taskId: number; last: TaskDetails; cancelled?: boolean }
	/** Version 1.2: still queued, and no connected worker can run its flow. */
	| { kind: 'noWorker'; taskId: number; flow: string; ahead?: number; cancelled?: boolean }
	/** Get Results: the task failed, so it has no files. */
	| { kind: 'failedNoResults'; taskId: number; task: TaskDetails }
	/** Get Results: the task is not done yet. */
	| { kind: 'notCompleted'; taskId: number; status: string; task: TaskDetails };

interface OutcomeMessage {
	message: string;
	description: string;
}

/** `still queued, not started; 3 of this run's tasks ahead of it` or `running, 40%`: only what the wait knows. */
export function taskStateText(last: TaskDetails | undefined, ahead?: number): string {
	if (!last) return 'not read yet';
	const status = taskStatus(last);
	if (status === 'running') return `running, ${last.progress}%`;
	if (status !== 'queued') return status;
	return ahead
		? `still queued, not started; ${ahead} of this run's tasks ahead of it`
		: 'still queued, not started';
}

/** `: Visionatrix has not answered since 10:02:03 UTC (…)`, for a timeout during an outage. */
function outageNote(outage: Outage | undefined): string {
	if (!outage) return '';
	return `; Visionatrix has not answered since ${clockTime(outage.since)} (${noAnswerCause(outage.failure) ?? outage.failure.message})`;
}

/** The message of a task that is gone from the server. */
function vanishedMessage(taskId: number): string {
	return `Task ${taskId} was cancelled or deleted on the Visionatrix server (or belongs to another user)`;
}

/** What becomes of a task the node gives up on: it goes on, stays queued, or was cancelled. */
function whatBecomesOf(last: TaskDetails | undefined, cancelled: boolean | undefined): string {
	if (cancelled) return 'the node cancelled it on the Visionatrix server';
	return last && taskStatus(last) === 'queued'
		? 'it stays queued on the Visionatrix server: get its files later with Get Results'
		: 'it goes on running on the Visionatrix server: get its files later with Get Results';
}

function timeoutOutcome(outcome: Extract<TaskOutcome, { kind: 'timeout' }>): OutcomeMessage {
	const { taskId, timeoutSeconds, last, outage } = outcome;
	const state = last ? ` (${taskStateText(last, outcome.ahead)})` : '';
	if (outage)
		return {
			message: `Task ${taskId} did not finish within ${timeoutSeconds} seconds${state}${outageNote(outage)}; the task may still run there: get its files with Get Results once Visionatrix is back`,
			description:
				'The server did not answer (or its proxy answered 502/503/504) until the Timeout. Start Visionatrix again if it is down; its tasks are kept.',
		};
	if (outcome.limit === 'run')
		return {
			message: `Task ${taskId} ran longer than its Timeout of ${timeoutSeconds} seconds${state}; ${whatBecomesOf(last, outcome.cancelled)}`,
			description:
				"Timeout counts each task's own run, from when a worker took it. Raise Timeout in the options (video flows can need far more than 10 minutes).",
		};
	const queued = last !== undefined && taskStatus(last) === 'queued';
	return {
		message: `Task ${taskId} did not finish within ${timeoutSeconds} seconds${state}; ${whatBecomesOf(last, outcome.cancelled)}, or raise Timeout`,
		description: queued
			? "In this node version Timeout counts the time in the queue too: other tasks were ahead of it. Raise Timeout, or get its results later. Node version 1.2 counts each task's own run instead."
			: 'The task goes on running on the server. Raise Timeout in the options (video flows can need far more than 10 minutes), or get its results later.',
	};
}

/** The message and its description for each way a task can end without files to output. */
export function outcomeMessage(outcome: TaskOutcome): OutcomeMessage {
	const id = outcome.taskId;
	switch (outcome.kind) {
		case 'failed':
			return {
				message: `Task ${id} failed on the Visionatrix server: ${outcome.task.error}`,
				description:
					'The flow stopped with this error. Check the inputs, then restart the task in Visionatrix or create a new one.',
			};
		case 'missing':
			return {
				message: vanishedMessage(id),
				description: 'Visionatrix shows each user only their own tasks.',
			};
		case 'timeout':
			return timeoutOutcome(outcome);
		case 'stalled':
			return {
				message: `Task ${id} has sent no progress for 5 minutes (${taskStateText(outcome.last)}): its worker has probably stopped${outcome.cancelled ? '; the node cancelled it on the Visionatrix server' : ''}`,
				description:
					'A Visionatrix worker that stops mid-task keeps its task locked, and the task never ends. Restart the worker, then restart the task (Visionatrix node: Restart, with Force) or cancel it.',
			};
		case 'noWorker':
			return {
				message: `Task ${id} is still queued, not started: no worker connected that can run flow '${outcome.flow}'${outcome.cancelled ? '; the node cancelled it on the Visionatrix server' : ''}`,
				description: `Visionatrix counts the workers seen in the last 3 minutes with enough memory for a flow, and has none for this one. Start a worker that can run it; ${outcome.cancelled ? 'then run the workflow again' : 'the task stays queued until one does (wait for it again with Wait for Completion)'}.`,
			};
		case 'failedNoResults':
			return {
				message: `Task ${id} failed on the Visionatrix server and has no results: ${outcome.task.error}`,
				description: 'Check the inputs, then restart the task in Visionatrix or create a new one.',
			};
		case 'notCompleted':
			return {
				message: `Task ${id} is not completed yet (${outcome.status}, progress ${outcome.task.progress}%): put a Visionatrix "Wait for Completion" step before Get Results`,
				description: 'Get Results takes the files of completed tasks only.',
			};
	}
}
