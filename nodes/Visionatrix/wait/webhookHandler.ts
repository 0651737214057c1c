import type {
	IDataObject,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { DEFAULT_MAX_POLL_INTERVAL_SECONDS } from '../shared/descriptions';
import { parseTaskId } from '../shared/taskStatus';
import type { TaskDetails } from '../shared/types';
import { dropStandingWatch, OutageWatch, standingWatch } from './outage';
import { TASK_PROGRESS_PATH } from './resumeUrl';
import { finish, readUntilOpen } from './webhookOutput';
import {
	isFinal,
	isTaskSlot,
	storedSlots,
	withoutErrorObject,
	type OutputSlot,
} from './webhookSlots';

/** The restart webhook n8n routes the resume URL's `task-progress` calls to (cf. the Wait node's). */
export const taskProgressWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: TASK_PROGRESS_PATH,
		restartWebhook: true,
	},
];

// The webhook: n8n calls it for every POST to `<resume URL>/task-progress` while this node waits.

/** Why a call does not trigger a check, or undefined when it does. */
export function ignoreReason(
	body: IDataObject,
	taskIds: number[],
	nodeName: string,
	deadlinePassed: boolean,
): string | undefined {
	if (body.fallback_check === true) {
		return body.node === undefined || body.node === nodeName
			? undefined
			: `a fallback check of node '${String(body.node)}', not of '${nodeName}'`;
	}
	const taskId = parseTaskId(body.task_id);
	if (taskId === undefined) return 'not a Visionatrix task-progress call (no task_id)';
	if (!taskIds.includes(taskId)) return `task ${taskId} is not one this execution waits for`;
	if (deadlinePassed) return undefined;
	const progress = Number(body.progress);
	if (!body.error && !(progress >= 100))
		return `task ${taskId} is at ${Number.isFinite(progress) ? progress : '?'}%, not finished`;
	return undefined;
}

function answer(context: IWebhookFunctions, body: IDataObject): void {
	context.getResponseObject().status(200).json(body);
}

/** One watch per waiting node across its calls: the log says once that the server stopped answering. */
function nodeWatch(context: IWebhookFunctions, key: string): OutageWatch {
	return standingWatch(
		key,
		() =>
			new OutageWatch({
				logger: context.logger,
				nodeName: context.getNode().name,
				maxDelayMs: DEFAULT_MAX_POLL_INTERVAL_SECONDS * 1000,
			}),
	);
}

/** The answer to a call whose read failed: never a failure of the wait, which waits on. */
function readFailed(
	context: IWebhookFunctions,
	watch: OutageWatch,
	error: unknown,
): IWebhookResponseData {
	// An outage (the fallback checks then come sooner) or not, it waits on.
	const outage = watch.failure(error);
	if (!outage)
		context.logger.warn(
			`Visionatrix node "${context.getNode().name}": could not read the task states after a webhook call: ${(error as Error).message}`,
		);
	return {
		webhookResponse: {
			status: 'waiting',
			outage,
			reason: `could not read the task states: ${(error as Error).message}`,
		},
	};
}

/** Every task is done: answers the call and resumes the execution with its output. */
async function resume(
	context: IWebhookFunctions,
	key: string,
	slots: OutputSlot[],
	states: Map<number, TaskDetails | null>,
	watch: OutageWatch,
): Promise<IWebhookResponseData> {
	// Answered before the downloads: the server waits 3 s at most for an answer.
	answer(context, { status: 'resumed' });
	dropStandingWatch(key);
	try {
		const output = await finish(context, slots, states, watch);
		return { noWebhookResponse: true, workflowData: [output.map(withoutErrorObject)] };
	} catch (error) {
		context.logger.warn(
			`Visionatrix node "${context.getNode().name}": could not build the output after the tasks finished: ${(error as Error).message}`,
		);
		return { noWebhookResponse: true };
	}
}

/**
 * A call for the waiting node: ignored unless it is final (or a fallback check) for one of its
 * tasks; then one read of all its tasks, and the execution resumes once every one is done.
 * Never throws: a failure to read keeps the execution waiting for the next call.
 */
export async function taskProgressWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode();
	const slots = storedSlots(this);
	const tasks = slots.filter(isTaskSlot).map((slot) => slot.task);
	if (tasks.length === 0)
		return {
			webhookResponse: {
				status: 'ignored',
				reason: 'this node is not waiting for Visionatrix tasks',
			},
		};
	const ids = [...new Set(tasks.map((task) => task.task_id))];
	const now = Date.now();
	const reason = ignoreReason(
		(this.getBodyData() ?? {}) as IDataObject,
		ids,
		node.name,
		now >= Math.min(...tasks.map((task) => task.deadline)),
	);
	if (reason) return { webhookResponse: { status: 'ignored', reason } };

	const key = `${this.getExecutionId()}\u0000${node.name}`;
	const watch = nodeWatch(this, key);
	let states: Map<number, TaskDetails | null>;
	try {
		const reported = parseTaskId((this.getBodyData() ?? {}).task_id);
		states = await readUntilOpen.call(
			this,
			ids,
			undefined,
			reported,
			(id) => now >= (tasks.find((task) => task.task_id === id)?.deadline ?? 0),
		);
		watch.answer();
	} catch (error) {
		return readFailed(this, watch, error);
	}
	const open = tasks
		.filter((task) => !isFinal(states.get(task.task_id)) && now < task.deadline)
		.map((task) => task.task_id);
	if (open.length > 0)
		return { webhookResponse: { status: 'waiting', waiting_for: [...new Set(open)] } };
	return await resume(this, key, slots, states, watch);
}
