import { clockTime } from './clockTime';
import { noAnswerCause } from './networkErrors';
import type { Outage, TaskDetails } from './types';

/**
 * What a task's end means to the user, in one table: the poll path, Get Results and the webhook
 * path all take their messages from here.
 */
export type TaskOutcome =
	| { kind: 'failed'; taskId: number; task: TaskDetails }
	| { kind: 'missing'; taskId: number }
	| { kind: 'timeout'; taskId: number; timeoutSeconds: number; last?: TaskDetails; outage?: Outage }
	/** Get Results: the task failed, so it has no files. */
	| { kind: 'failedNoResults'; taskId: number; task: TaskDetails }
	/** Get Results: the task is not done yet. */
	| { kind: 'notCompleted'; taskId: number; status: string; task: TaskDetails };

interface OutcomeMessage {
	message: string;
	description: string;
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

/** The message of a task still unfinished at its Timeout, standing alone. */
function timeoutMessage(
	taskId: number,
	timeoutSeconds: number,
	last: TaskDetails | undefined,
	outage?: Outage,
): string {
	const progress = last ? ` (last progress ${last.progress}%)` : '';
	return outage
		? `Task ${taskId} did not finish within ${timeoutSeconds} seconds${progress}${outageNote(outage)}; the task may still run there: get its files with Get Results once Visionatrix is back`
		: `Task ${taskId} did not finish within ${timeoutSeconds} seconds${progress}; it goes on running on the Visionatrix server: get its files later with Get Results, or raise Timeout`;
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
			return {
				message: timeoutMessage(id, outcome.timeoutSeconds, outcome.last, outcome.outage),
				description: outcome.outage
					? 'The server did not answer (or its proxy answered 502/503/504) until the Timeout. Start Visionatrix again if it is down; its tasks are kept.'
					: 'The task goes on running on the server. Raise Timeout in the options (video flows can need far more than 10 minutes), or get its results later.',
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
