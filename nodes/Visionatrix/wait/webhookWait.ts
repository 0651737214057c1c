import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fetchTaskStates } from '../shared/taskClient';
import type { TaskDetails } from '../shared/types';
import { itemError } from '../shared/itemErrors';
import { startFallbackChecks } from './fallbackChecks';
import { OutageWatch } from './outage';
import { describeUrl, resumeTokenOf, resumeUrlOf } from './resumeUrl';
import { finish, readUntilOpen } from './webhookOutput';
import { isFinal, isTaskSlot, stackItem, waitingItem, type OutputSlot } from './webhookSlots';

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
 *   with the waiting execution) with one item per output slot: a timeout error for each task, which
 *   is also where `webhook()` reads which tasks it waits for and how to output them.
 * - Nothing in n8n calls a waiting node at intervals. The fallback check is a small loop in the n8n
 *   process that started the wait: at a long interval it posts a check to the resume URL, so the
 *   same `webhook()` reads the states and resumes if a final call was lost. It ends with the wait;
 *   if that process restarts, only the timeout is left.
 */

export type WaitMode = 'poll' | 'webhook';
/** With the fallback loop on, n8n's own resume waits this long past the timeout for the loop's last check. */
const HARD_STOP_GRACE_MS = 60_000;

export const WAITING_TOOLTIP =
	'Waiting for Visionatrix to report that the tasks are done (Wait Mode: On Webhook)';

export interface WebhookWaitSettings {
	/** Seconds between fallback checks; 0 turns them off. */
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
	return [output];
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

	if (slots.filter(isTaskSlot).every((slot) => isFinal(states.get(slot.task.task_id)))) {
		return asOperationOutput(this, await finish(this, slots, states, watch));
	}

	await putToWait(this, slots, settings, resumeUrl, maxDelayMs);
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

/** Puts the execution to wait until the last deadline (and a grace for the fallback loop), and starts that loop. */
async function putToWait(
	context: IExecuteFunctions,
	slots: OutputSlot[],
	settings: WebhookWaitSettings,
	resumeUrl: string,
	maxDelayMs: number,
): Promise<void> {
	const deadline = Math.max(...slots.filter(isTaskSlot).map((slot) => slot.task.deadline));
	const fallbackMs = Math.max(0, settings.fallbackInterval) * 1000;
	const node = context.getNode();
	// n8n keeps this entry with the waiting execution: webhook() reads it, a timeout passes it on.
	context.getExecuteData().data = { main: [slots.map((slot) => stackItem(node, slot))] };
	await context.putExecutionToWait(new Date(deadline + (fallbackMs > 0 ? HARD_STOP_GRACE_MS : 0)));
	if (fallbackMs > 0) startFallbackChecks(context, resumeUrl, fallbackMs, deadline, maxDelayMs);
}
