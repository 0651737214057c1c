import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../../shared/concurrency';
import { DEFAULT_MAX_POLL_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS } from '../../shared/descriptions';
import { dropStandingWatch, giveUp, OutageWatch, standingWatch } from '../../wait/outage';
import { pause } from '../../shared/pause';
import { downloadResultFile, resultFiles, type DownloadedFile } from '../../shared/results';
import { fetchTaskStates, getTask, type TaskReader } from '../../shared/taskClient';
import { parseTaskId, taskStatus } from '../../shared/taskStatus';
import type { TaskDetails } from '../../shared/types';
import { itemError, withoutItemIndex } from '../../shared/itemErrors';
import { outcomeMessage, type TaskOutcome } from '../../shared/taskOutcomes';
import { finalStateItem, resultItems } from './steps';

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

/** The path Visionatrix appends to the webhook URL. */
export const TASK_PROGRESS_PATH = 'task-progress';
/** With the fallback loop on, n8n's own resume waits this long past the timeout for the loop's last check. */
const HARD_STOP_GRACE_MS = 60_000;
const SLOT_KEY = 'visionatrixWait';

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

export const WAITING_TOOLTIP = 'Waiting for Visionatrix to report that the tasks are done (Wait Mode: On Webhook)';

/** One task the node waits for, and how to output it. Stored with the waiting execution. */
export interface TaskSlot {
	task_id: number;
	flow?: string;
	/** The input item it belongs to. */
	item: number;
	/** Set: output the task's files (Download Results); unset: its final state. */
	files?: { binaryPropertyName: string; allFilesInOneItem: boolean };
	/** Seconds, as set in Timeout. */
	timeout: number;
	/** When to give up (ms since the epoch). */
	deadline: number;
}

/** One place in the node's output: a task still to wait for, or an item known before the wait. */
export type OutputSlot = { task: TaskSlot } | { ready: INodeExecutionData };

export interface WebhookWaitSettings {
	/** Seconds between fallback checks; 0 turns them off. */
	fallbackInterval: number;
	/** Wait for Completion: the tasks were created elsewhere; check that they report to this execution. */
	checkWebhookUrls: boolean;
}

function isTaskSlot(slot: OutputSlot): slot is { task: TaskSlot } {
	return 'task' in slot;
}

function isFinal(task: TaskDetails | null | undefined): boolean {
	if (task === null) return true;
	if (task === undefined) return false;
	const status = taskStatus(task);
	return status === 'completed' || status === 'failed';
}

/**
 * Reads the tasks one by one, the one most likely unfinished first (the last in line: the highest
 * id), and stops at the first that is still open (not final and not past its deadline): while one
 * task is open the execution keeps waiting, so the others need not be read. The task a final call
 * reports on is read last. When every task is done, every task has been read.
 */
async function readUntilOpen(
	this: TaskReader,
	ids: number[],
	signal?: AbortSignal,
	reported?: number,
	pastDeadline: (id: number) => boolean = () => false,
): Promise<Map<number, TaskDetails | null>> {
	const order = [...ids].sort((a, b) => Number(a === reported) - Number(b === reported) || b - a);
	const states = new Map<number, TaskDetails | null>();
	for (const id of order) {
		const task = await getTask.call(this, id, signal);
		states.set(id, task);
		if (!isFinal(task) && !pastDeadline(id)) break;
	}
	return states;
}

/** The resume token in a URL (`signature`, up to a `/` that httpx or n8n may have put after it). */
export function resumeTokenOf(url: unknown): string | undefined {
	if (typeof url !== 'string' || url === '') return undefined;
	try {
		const token = new URL(url).searchParams.get('signature') ?? '';
		return token.split('/')[0] || undefined;
	} catch {
		return undefined;
	}
}

/** `$execution.resumeUrl` of the running execution. */
export function resumeUrlOf(context: IExecuteFunctions): string {
	const url = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !resumeTokenOf(url)) {
		throw new NodeOperationError(context.getNode(), "Wait Mode 'On Webhook' needs this execution's resume URL, which n8n did not give", {
			description: 'Run the workflow in a running n8n instance (not from a sub-process without executions), or use Wait Mode Poll.',
		});
	}
	return url;
}

/** Refuses what cannot wait: an AI agent's tool call has no execution to put to wait. */
export function assertCanWaitOnWebhook(context: IExecuteFunctions): void {
	if (context.isToolExecution()) {
		throw new NodeOperationError(context.getNode(), "Wait Mode 'On Webhook' is not available when an AI agent runs this node as a tool", {
			description: 'An agent needs the answer in the same run: use Wait Mode Poll for tool calls.',
		});
	}
}

/** A task slot's error item: the webhook has no Continue On Fail to ask, so the node's On Error decides. */
function webhookErrorItem(node: INode, slot: TaskSlot, message: string, description: string): INodeExecutionData {
	const error = itemError(node, slot.item, message, description);
	const json = { task_id: slot.task_id, error: error.message };
	// As continueWithError (shared/itemErrors.ts): under "Continue" the item keeps its task_id, which n8n drops from an item carrying its error.
	if (node.onError === 'continueRegularOutput') return { json, pairedItem: { item: slot.item } };
	return { json, error, pairedItem: { item: slot.item } };
}

function outcomeItem(node: INode, slot: TaskSlot, task: TaskDetails | null | undefined): INodeExecutionData | undefined {
	const taskId = slot.task_id;
	const outcome: TaskOutcome | undefined =
		task === null
			? { kind: 'missing', taskId }
			: task === undefined || !isFinal(task)
				? { kind: 'timeout', taskId, timeoutSeconds: slot.timeout, last: task }
				: taskStatus(task) === 'failed'
					? { kind: 'failed', taskId, task }
					: undefined;
	if (!outcome) return undefined;
	const { message, description } = outcomeMessage(outcome);
	return webhookErrorItem(node, slot, message, description);
}

/**
 * The node's output once every task is final or past its deadline: final states, or downloaded
 * files, in slot order; what went wrong for a task is that task's error item.
 */
async function finish(context: TaskReader, slots: OutputSlot[], states: Map<number, TaskDetails | null>, watch: OutageWatch): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const downloads = slots.flatMap((slot, slotIndex) => {
		if (!isTaskSlot(slot) || !slot.task.files) return [];
		const task = states.get(slot.task.task_id);
		if (!task || outcomeItem(node, slot.task, task)) return [];
		return resultFiles(task).map((file) => ({ file, slotIndex, item: slot.task.item, deadline: slot.task.deadline }));
	});
	const fetched = await mapWithConcurrency(downloads, DEFAULT_CONCURRENCY, async ({ file, item, deadline }) => {
		try {
			return await watch.read(async () => await downloadResultFile.call(context, file, item), deadline, giveUp);
		} catch (error) {
			return error as Error;
		}
	});

	const output: INodeExecutionData[] = [];
	for (const [slotIndex, slot] of slots.entries()) {
		if (!isTaskSlot(slot)) {
			output.push(slot.ready);
			continue;
		}
		const task = states.get(slot.task.task_id);
		const problem = outcomeItem(node, slot.task, task);
		if (problem || !task) {
			output.push(problem!);
			continue;
		}
		if (!slot.task.files) {
			output.push(finalStateItem(task, slot.task.item));
			continue;
		}
		const files = fetched.filter((_, i) => downloads[i].slotIndex === slotIndex);
		const failed = files.find((file): file is Error => file instanceof Error);
		if (failed) {
			output.push(webhookErrorItem(node, slot.task, withoutItemIndex(failed.message), (failed as { description?: string }).description ?? 'Run Get Results for this task later.'));
			continue;
		}
		output.push(...resultItems(files as DownloadedFile[], task, slot.task.item, slot.task.files));
	}
	return output;
}

/** What n8n keeps as this node's input while it waits: per slot, what a timeout outputs, and for webhook() the task to wait for. */
function stackItem(node: INode, slot: OutputSlot): INodeExecutionData {
	if (!isTaskSlot(slot)) return slot.ready;
	const { task_id: id, timeout } = slot.task;
	const timedOut = webhookErrorItem(
		node,
		slot.task,
		`Task ${id} did not report completion within ${timeout} seconds; it may still be running on the Visionatrix server: check it with Get Progress, and get its files with Get Results once it is done`,
		'No final webhook call from Visionatrix reached n8n in time, and no fallback check found the task done. The task may still be running, or its calls could not reach n8n (check that the Visionatrix server can reach n8n\'s webhook URL): check it with Get Progress, and get its files with Get Results once it is done.',
	);
	return { ...timedOut, json: { ...timedOut.json, [SLOT_KEY]: slot.task as unknown as IDataObject } };
}

/** The node's output while it waits, shown in the execution view. */
function waitingItem(slot: OutputSlot, states: Map<number, TaskDetails | null>): INodeExecutionData {
	if (!isTaskSlot(slot)) return slot.ready;
	const task = states.get(slot.task.task_id);
	return {
		json: {
			task_id: slot.task.task_id,
			flow: slot.task.flow ?? task?.name,
			status: task ? taskStatus(task) : 'queued',
			progress: task?.progress ?? 0,
			wait_mode: 'webhook',
			timeout_at: new Date(slot.task.deadline).toISOString(),
		},
		pairedItem: { item: slot.task.item },
	};
}

/** Under the execution's own settings: the first error item stops the node, unless it continues on fail. */
function asOperationOutput(context: IExecuteFunctions, output: INodeExecutionData[]): INodeExecutionData[][] {
	const failed = output.find((item) => item.error);
	if (failed && !context.continueOnFail()) throw failed.error!;
	return [output];
}

/**
 * At wait time: one look at the tasks. All final already: the output, at once. Otherwise the
 * execution waits for Visionatrix's calls, with the fallback checks and the timeout.
 */
export async function waitOnWebhook(this: IExecuteFunctions, slots: OutputSlot[], settings: WebhookWaitSettings): Promise<INodeExecutionData[][]> {
	const taskSlots = slots.filter(isTaskSlot).map((slot) => slot.task);
	if (taskSlots.length === 0) return [slots.map((slot) => (slot as { ready: INodeExecutionData }).ready)];
	const resumeUrl = resumeUrlOf(this);
	const signal = this.getExecutionCancelSignal();
	const ids = [...new Set(taskSlots.map((task) => task.task_id))];
	const maxDelayMs = Number(this.getNodeParameter('options.pollInterval', 0, DEFAULT_MAX_POLL_INTERVAL_SECONDS)) * 1000;
	const watch = new OutageWatch({ logger: this.logger, nodeName: this.getNode().name, maxDelayMs, signal });
	const lastDeadline = Math.max(...taskSlots.map((task) => task.deadline));
	// Wait for Completion checks every task's webhook_url (per-task answers carry it); Create's
	// tasks were just made for this execution: if the last in line is not done, none is all done.
	// Server down at wait time: the wait starts without news of the tasks (the fallback checks and
	// the server's calls bring it once it is back).
	const states = await watch.read(
		async () => (settings.checkWebhookUrls ? await fetchTaskStates.call(this, ids, signal) : await readUntilOpen.call(this, ids, signal)),
		lastDeadline,
		() => new Map<number, TaskDetails | null>(),
	);

	if (settings.checkWebhookUrls) {
		const token = resumeTokenOf(resumeUrl);
		for (const id of ids) {
			const task = states.get(id);
			if (!task || isFinal(task) || !('webhook_url' in task)) continue;
			if (resumeTokenOf(task.webhook_url) === token) continue;
			for (const [slotIndex, slot] of slots.entries()) {
				if (!isTaskSlot(slot) || slot.task.task_id !== id) continue;
				const error = itemError(
					this.getNode(),
					slot.task.item,
					`Task ${id} does not report its progress to this execution, so it cannot wake it`,
					`Its webhook URL is ${describeUrl(task.webhook_url)}. Wait Mode 'On Webhook' works for tasks created in the same execution with Webhook URL {{ $execution.resumeUrl }} (or by Create Task with Wait Mode 'On Webhook'). Use Wait Mode Poll for other tasks.`,
				);
				if (!this.continueOnFail()) throw error;
				slots[slotIndex] = { ready: { json: { task_id: id, error: error.message }, error, pairedItem: { item: slot.task.item } } };
			}
		}
		if (!slots.some(isTaskSlot)) return [slots.map((slot) => (slot as { ready: INodeExecutionData }).ready)];
	}

	if (slots.filter(isTaskSlot).every((slot) => isFinal(states.get(slot.task.task_id)))) {
		return asOperationOutput(this, await finish(this, slots, states, watch));
	}

	const deadline = Math.max(...slots.filter(isTaskSlot).map((slot) => slot.task.deadline));
	const fallbackMs = Math.max(0, settings.fallbackInterval) * 1000;
	const node = this.getNode();
	// n8n keeps this entry with the waiting execution: webhook() reads it, a timeout passes it on.
	this.getExecuteData().data = { main: [slots.map((slot) => stackItem(node, slot))] };
	await this.putExecutionToWait(new Date(deadline + (fallbackMs > 0 ? HARD_STOP_GRACE_MS : 0)));
	if (fallbackMs > 0) startFallbackChecks(this, resumeUrl, fallbackMs, deadline, maxDelayMs);
	return [slots.map((slot) => waitingItem(slot, states))];
}

function describeUrl(url: unknown): string {
	if (typeof url !== 'string' || url === '') return 'empty';
	try {
		const parsed = new URL(url);
		return `'${parsed.origin}${parsed.pathname}'${parsed.search ? ' (with a query)' : ''}`;
	} catch {
		return `'${url}'`;
	}
}

/** The fallback check's target: the resume URL with `task-progress` as a path segment (n8n takes both forms). */
export function fallbackCheckUrl(resumeUrl: string): string {
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${TASK_PROGRESS_PATH}`;
	return url.toString();
}

/** Fallback loops running in this process, by execution and node: webhook() ends its node's loop when it resumes. */
const fallbackLoops = new Map<string, AbortController>();
const loopKey = (executionId: string, node: string) => `${executionId}\u0000${node}`;

/**
 * The fallback: every `everyMs`, and once at the deadline, a check posted to the resume URL. It
 * ends when the answer is anything but "still waiting" (resumed, finished, another node waiting,
 * gone), or at once when webhook() resumes the execution in this process. In queue mode the loop
 * runs on the worker that started the wait and webhook() in the main process: there its first
 * check after the resume is what ends it (n8n logs that call's 409 as an error).
 *
 * It holds no execution context (plain fetch): nothing of the execution stays in memory.
 */
function startFallbackChecks(context: IExecuteFunctions, resumeUrl: string, everyMs: number, deadline: number, outageMaxDelayMs: number): void {
	const url = fallbackCheckUrl(resumeUrl);
	const node = context.getNode().name;
	const key = loopKey(context.getExecutionId(), node);
	const { logger } = context;
	const controller = new AbortController();
	fallbackLoops.get(key)?.abort();
	fallbackLoops.set(key, controller);
	void (async () => {
		// While the check finds Visionatrix down, the next comes sooner: 1 s, doubling up to Max Poll Interval.
		let outageDelay = 0;
		try {
			for (;;) {
				const left = deadline - Date.now();
				if (left < 0) return;
				await pause(Math.min(outageDelay || everyMs, left), controller.signal);
				let status: unknown;
				try {
					const response = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ fallback_check: true, node }),
						signal: AbortSignal.timeout(120_000),
					});
					const answer = response.ok ? ((await response.json()) as IDataObject) : undefined;
					status = answer ? answer.status : response.status;
					outageDelay = answer?.outage === true ? Math.min(Math.max(1000, outageDelay * 2), Math.max(1000, outageMaxDelayMs)) : 0;
				} catch (error) {
					if (controller.signal.aborted) return;
					logger.warn(`Visionatrix node "${node}": fallback check could not reach the resume URL: ${(error as Error).message}`);
					continue;
				}
				if (status !== 'waiting' || Date.now() >= deadline) return;
			}
		} catch {
			// Aborted: the execution resumed in this process.
		} finally {
			if (fallbackLoops.get(key) === controller) {
				fallbackLoops.delete(key);
				dropStandingWatch(key);
			}
		}
	})();
}

// ---------------------------------------------------------------------------------------------
// Create Task with Wait Mode "On Webhook"

export interface CreateWaitOptions {
	webhookUrl?: string;
	timeout?: number;
	binaryPropertyName?: string;
	allFilesInOneItem?: boolean;
}

/** What Create Task made of one item: its tasks, or the item's error. */
export type CreatedTasks = Error | { flow: string; taskIds: number[]; json: (taskId: number) => IDataObject };

/**
 * Create Task's part: every waiting item's tasks get this execution's resume URL as webhook_url
 * (the user's own Webhook URL cannot be kept: a task has one), and after creation the output slots.
 */
export class CreateOnWebhook {
	private readonly resumeUrl: string;

	constructor(private readonly context: IExecuteFunctions) {
		assertCanWaitOnWebhook(context);
		this.resumeUrl = resumeUrlOf(context);
	}

	/** Adds webhook_url to one item's create form. */
	addWebhookUrl(form: FormData, itemIndex: number, options: CreateWaitOptions): void {
		if (options.webhookUrl) {
			throw itemError(
				this.context.getNode(),
				itemIndex,
				"Option 'Webhook URL' cannot be used with Wait Mode 'On Webhook'",
				"With Wait Mode 'On Webhook' the node sets the task's webhook URL to this execution's resume URL itself. Remove Webhook URL, or use Wait Mode Poll to keep your own.",
			);
		}
		form.append('webhook_url', this.resumeUrl);
	}

	/** The slots of the created tasks: items that wait, items that do not, and failed items (with Continue On Fail). */
	slots(
		created: CreatedTasks[],
		plan: (itemIndex: number) => { wait: boolean; download: boolean; options: CreateWaitOptions },
		errorOutput: (error: Error, itemIndex: number) => INodeExecutionData,
	): OutputSlot[] {
		const started = Date.now();
		return created.flatMap((result, itemIndex): OutputSlot[] => {
			if (result instanceof Error) return [{ ready: errorOutput(result, itemIndex) }];
			const { wait, download, options } = plan(itemIndex);
			return result.taskIds.map((taskId): OutputSlot => {
				if (!wait) return { ready: { json: result.json(taskId), pairedItem: { item: itemIndex } } };
				const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
				return {
					task: {
						task_id: taskId,
						flow: result.flow,
						item: itemIndex,
						files: download ? { binaryPropertyName: options.binaryPropertyName ?? 'data', allFilesInOneItem: options.allFilesInOneItem === true } : undefined,
						timeout,
						deadline: started + timeout * 1000,
					},
				};
			});
		});
	}
}

/** Wait for Completion's slots: each item's task, or the item's error (with Continue On Fail). */
export function waitSlots(
	taskIds: Array<number | Error>,
	timeoutOf: (itemIndex: number) => number,
	errorOutput: (error: Error, itemIndex: number) => INodeExecutionData,
): OutputSlot[] {
	const started = Date.now();
	return taskIds.map((taskId, itemIndex): OutputSlot => {
		if (taskId instanceof Error) return { ready: errorOutput(taskId, itemIndex) };
		const timeout = timeoutOf(itemIndex);
		return { task: { task_id: taskId, item: itemIndex, timeout, deadline: started + timeout * 1000 } };
	});
}

// ---------------------------------------------------------------------------------------------
// The webhook: n8n calls it for every POST to `<resume URL>/task-progress` while this node waits.

/** What the waiting node stored: its output slots, in order. */
function storedSlots(context: IWebhookFunctions): OutputSlot[] {
	let items: unknown;
	try {
		items = context.evaluateExpression('{{ $input.all() }}', 0);
	} catch {
		return [];
	}
	if (!Array.isArray(items)) return [];
	return items.map((entry: INodeExecutionData | IDataObject) => {
		// A workflow in n8n's "combined" binary mode gets bare JSON from $input.all().
		const item = (entry && typeof entry.json === 'object' ? entry : { json: entry }) as INodeExecutionData;
		const slot = item.json?.[SLOT_KEY] as TaskSlot | undefined;
		return slot && typeof slot.task_id === 'number' ? { task: slot } : { ready: item };
	});
}

/** Why a call does not trigger a check, or undefined when it does. */
export function ignoreReason(body: IDataObject, taskIds: number[], nodeName: string, deadlinePassed: boolean): string | undefined {
	if (body.fallback_check === true) {
		return body.node === undefined || body.node === nodeName ? undefined : `a fallback check of node '${String(body.node)}', not of '${nodeName}'`;
	}
	const taskId = parseTaskId(body.task_id);
	if (taskId === undefined) return 'not a Visionatrix task-progress call (no task_id)';
	if (!taskIds.includes(taskId)) return `task ${taskId} is not one this execution waits for`;
	if (deadlinePassed) return undefined;
	const progress = Number(body.progress);
	if (!body.error && !(progress >= 100)) return `task ${taskId} is at ${Number.isFinite(progress) ? progress : '?'}%, not finished`;
	return undefined;
}

function answer(context: IWebhookFunctions, body: IDataObject): void {
	context.getResponseObject().status(200).json(body);
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
	if (tasks.length === 0) return { webhookResponse: { status: 'ignored', reason: 'this node is not waiting for Visionatrix tasks' } };
	const ids = [...new Set(tasks.map((task) => task.task_id))];
	const now = Date.now();
	const reason = ignoreReason((this.getBodyData() ?? {}) as IDataObject, ids, node.name, now >= Math.min(...tasks.map((task) => task.deadline)));
	if (reason) return { webhookResponse: { status: 'ignored', reason } };

	// One watch per waiting node across its calls: the log says once that the server stopped answering.
	const key = loopKey(this.getExecutionId(), node.name);
	const watch = standingWatch(key, () => new OutageWatch({ logger: this.logger, nodeName: node.name, maxDelayMs: DEFAULT_MAX_POLL_INTERVAL_SECONDS * 1000 }));
	let states: Map<number, TaskDetails | null>;
	try {
		const reported = parseTaskId((this.getBodyData() ?? {}).task_id);
		states = await readUntilOpen.call(this, ids, undefined, reported, (id) => now >= (tasks.find((task) => task.task_id === id)?.deadline ?? 0));
		watch.answer();
	} catch (error) {
		// Never a failure of the wait: an outage (the fallback checks then come sooner) or not, it waits on.
		const outage = watch.failure(error);
		if (!outage) this.logger.warn(`Visionatrix node "${node.name}": could not read the task states after a webhook call: ${(error as Error).message}`);
		return { webhookResponse: { status: 'waiting', outage, reason: `could not read the task states: ${(error as Error).message}` } };
	}
	const open = tasks.filter((task) => !isFinal(states.get(task.task_id)) && now < task.deadline).map((task) => task.task_id);
	if (open.length > 0) return { webhookResponse: { status: 'waiting', waiting_for: [...new Set(open)] } };

	// Answered before the downloads: the server waits 3 s at most for an answer.
	answer(this, { status: 'resumed' });
	fallbackLoops.get(key)?.abort();
	dropStandingWatch(key);
	try {
		return { noWebhookResponse: true, workflowData: [await finish(this, slots, states, watch)] };
	} catch (error) {
		this.logger.warn(`Visionatrix node "${node.name}": could not build the output after the tasks finished: ${(error as Error).message}`);
		return { noWebhookResponse: true };
	}
}
