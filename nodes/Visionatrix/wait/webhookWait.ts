import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fetchTaskStates } from '../shared/taskClient';
import type { TaskDetails } from '../shared/types';
import { itemError } from '../shared/itemErrors';
import { SHORTEST_STORED_WAIT_MS, startChecks } from './checkExecution';
import { OutageWatch } from './outage';
import { describeUrl, fallbackCheckUrl, resumeTokenOf, resumeUrlOf } from './resumeUrl';
import { finish, readUntilOpen } from './webhookOutput';
import {
	isFinal,
	isTaskSlot,
	stackItem,
	waitingItem,
	withoutErrorObject,
	type OutputSlot,
} from './webhookSlots';

/**
 * Wait Mode "On Webhook": instead of polling, the node puts the execution to wait (as n8n's Wait
 * and send-and-wait nodes do) and Visionatrix wakes it through the execution's resume URL, which
 * the tasks carry as `webhook_url`. The server posts `<webhook_url>/task-progress` on every
 * progress change; with a resume URL (`…/webhook-waiting/<id>?signature=<token>`) its httpx client
 * makes that `…?signature=<token>/task-progress`, which n8n routes to this node's `task-progress`
 * webhook.
 *
 * What n8n allows, and what follows from it (n8n 2.41, packages/cli and packages/core):
 * - While waiting no node code runs. A call to the resume URL runs `webhook()`; returning
 *   `workflowData` resumes the execution with that data as the node's output, returning only a
 *   response keeps it waiting. So calls that are not final, or are for other tasks, are answered
 *   and ignored, and a final call reads ALL this node's tasks in one request and resumes only when
 *   every one is done.
 * - A resumed node cannot fail: `webhook()` may only return data (throwing there wipes the
 *   execution's earlier run data). Failed, missing and timed-out tasks come out as items with an
 *   `error`, which On Error → "Continue (using error output)" routes to the error output.
 * - When `waitTill` passes, n8n resumes without running node code: the waiting node passes its
 *   input items through. The node therefore replaces its input (the stack entry that n8n stores
 *   with the waiting execution) with one item per output slot: for each task, an item naming it
 *   and how to collect it, which is also where `webhook()` reads which tasks it waits for and how
 *   to output them.
 * - Nothing in n8n calls a waiting node at intervals, and Visionatrix calls only on a worker's
 *   progress report (no retry): calls lost while n8n was down are not sent again. The checks are
 *   therefore a sub-execution that n8n stores (checkExecution.ts): at each Fallback Check interval
 *   and at the Timeout it posts a check to the resume URL, so webhook() reads the tasks and resumes
 *   with every file if they are done. Stored, it goes on through restarts of any n8n process; a
 *   check that fell due while n8n was down runs when n8n is back.
 * - n8n's own resume comes a grace after the Timeout, for the check at the Timeout to end the wait
 *   first; it outputs what the node stored.
 */

export type WaitMode = 'poll' | 'webhook';
/** n8n's own resume waits this long past the Timeout for the check at the Timeout (which may come a stored wait late). */
export const HARD_STOP_GRACE_MS = 2 * SHORTEST_STORED_WAIT_MS;

export const WAITING_TOOLTIP =
	'Waiting for Visionatrix to report that the tasks are done (Wait Mode: On Webhook)';

export interface WebhookWaitSettings {
	/** Seconds between fallback checks; 0: only the check at the Timeout. */
	fallbackInterval: number;
	/** Seconds (the first item's Max Poll Interval): the longest pause between two tries while the server is down. */
	pollInterval: number;
	/** Wait for Completion: the tasks were created elsewhere; check that they report to this execution. */
	checkWebhookUrls: boolean;
}

/** Under the execution's own settings: the first error item stops the node, unless it continues on fail. */
function asOperationOutput(
	context: IExecuteFunctions,
	output: INodeExecutionData[],
): INodeExecutionData[][] {
	const failed = output.find((item) => item.error);
	if (failed && !context.continueOnFail()) throw failed.error!;
	return [output.map(withoutErrorObject)];
}

/**
 * At wait time: one look at the tasks. All final already: the output, at once. Otherwise the
 * execution waits for Visionatrix's calls, with the fallback checks and the timeout.
 */
export async function waitOnWebhook(
	this: IExecuteFunctions,
	slots: OutputSlot[],
	settings: WebhookWaitSettings,
): Promise<INodeExecutionData[][]> {
	const taskSlots = slots.filter(isTaskSlot).map((slot) => slot.task);
	if (taskSlots.length === 0)
		return [slots.map((slot) => (slot as { ready: INodeExecutionData }).ready)];
	const resumeUrl = resumeUrlOf(this);
	const signal = this.getExecutionCancelSignal();
	const ids = [...new Set(taskSlots.map((task) => task.task_id))];
	const maxDelayMs = Number(settings.pollInterval) * 1000;
	const watch = new OutageWatch({
		logger: this.logger,
		nodeName: this.getNode().name,
		maxDelayMs,
		signal,
	});
	const lastDeadline = Math.max(...taskSlots.map((task) => task.deadline));
	// Wait for Completion checks every task's webhook_url (per-task answers carry it); Create's
	// tasks were just made for this execution: if the last in line is not done, none is all done.
	// Server down at wait time: the wait starts without news of the tasks (the fallback checks and
	// the server's calls bring it once it is back).
	const states = await watch.read(
		async () =>
			settings.checkWebhookUrls
				? await fetchTaskStates.call(this, ids, signal)
				: await readUntilOpen.call(this, ids, signal),
		lastDeadline,
		() => new Map<number, TaskDetails | null>(),
	);

	if (settings.checkWebhookUrls) {
		failForeignTasks(this, slots, ids, states, resumeUrl);
		if (!slots.some(isTaskSlot))
			return [slots.map((slot) => (slot as { ready: INodeExecutionData }).ready)];
	}

	// Wait for Completion learns each task's flow here, to name it in the items of the wait.
	for (const slot of slots.filter(isTaskSlot))
		slot.task.flow ??= states.get(slot.task.task_id)?.name;
	if (slots.filter(isTaskSlot).every((slot) => isFinal(states.get(slot.task.task_id)))) {
		return asOperationOutput(this, await finish(this, slots, states, watch));
	}

	await putToWait(this, slots, settings, resumeUrl);
	return [slots.map((slot) => waitingItem(slot, states))];
}

/**
 * Wait for Completion: a task that reports to another execution cannot wake this one. Its slots
 * become its items' errors (in place); without Continue On Fail the first one stops the node.
 */
function failForeignTasks(
	context: IExecuteFunctions,
	slots: OutputSlot[],
	ids: number[],
	states: Map<number, TaskDetails | null>,
	resumeUrl: string,
): void {
	const token = resumeTokenOf(resumeUrl);
	for (const id of ids) {
		const task = states.get(id);
		if (!task || isFinal(task) || !('webhook_url' in task)) continue;
		if (resumeTokenOf(task.webhook_url) === token) continue;
		for (const [slotIndex, slot] of slots.entries()) {
			if (!isTaskSlot(slot) || slot.task.task_id !== id) continue;
			const error = itemError(
				context.getNode(),
				slot.task.item,
				`Task ${id} does not report its progress to this execution, so it cannot wake it`,
				`Its webhook URL is ${describeUrl(task.webhook_url)}. Wait Mode 'On Webhook' works for tasks created in the same execution with Webhook URL {{ $execution.resumeUrl }} (or by Create Task with Wait Mode 'On Webhook'). Use Wait Mode Poll for other tasks.`,
			);
			if (!context.continueOnFail()) throw error;
			slots[slotIndex] = {
				ready: {
					json: { task_id: id, error: error.message },
					error,
					pairedItem: { item: slot.task.item },
				},
			};
		}
	}
}

/** Puts the execution to wait until the last deadline (and a grace for the check then), and starts the checks. */
async function putToWait(
	context: IExecuteFunctions,
	slots: OutputSlot[],
	settings: WebhookWaitSettings,
	resumeUrl: string,
): Promise<void> {
	const deadline = Math.max(...slots.filter(isTaskSlot).map((slot) => slot.task.deadline));
	const node = context.getNode();
	// n8n keeps this entry with the waiting execution: webhook() reads it, a timeout passes it on.
	context.getExecuteData().data = { main: [slots.map((slot) => stackItem(node, slot))] };
	const stopAt = deadline + HARD_STOP_GRACE_MS;
	await startChecks(context, {
		url: fallbackCheckUrl(resumeUrl),
		node: node.name,
		everyMs: Math.max(0, Number(settings.fallbackInterval) || 0) * 1000,
		deadline,
		stopAt,
	});
	// After the checks: n8n marks an execution whose sub-execution waits as waiting for it; this one waits for its own time.
	await context.putExecutionToWait(new Date(stopAt));
}
