import type { IExecuteFunctions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_MAX_POLL_INTERVAL_SECONDS } from '../shared/descriptions';
import { noAnswerCause } from '../shared/networkErrors';
import { clockTime } from '../shared/clockTime';
import { logCreatedTasks } from './createdTasksLog';
import { giveUp, OutageWatch } from './outage';
import { pause } from '../shared/pause';
import { createTaskRoute, progressSummaryRoute } from '../shared/api';
import { getTask } from '../shared/taskClient';
import { visionatrixJson, visionatrixRequest } from '../shared/transport';
import type { CreateTaskResponse, ProgressSummary, TaskDetails } from '../shared/types';
import { withItemIndex, withItemJson, withoutItemIndex } from '../shared/itemErrors';

/**
 * Creating tasks, and finding the tasks of a create whose answer was lost. A create is sent once
 * (a second would queue a second task on the GPU); when it may have reached the server (sent, then
 * no answer from Visionatrix itself) the node looks for what it made: the flow's tasks made since
 * the request was sent whose inputs match what was sent. Exactly as many as it asked for: the node
 * goes on with them as if the answer had come. Otherwise the item fails, saying the task may exist.
 *
 * "Made since the request was sent": the server's `created_at` cannot tell (a 2.7 server gives
 * every task its own start time), so the node relies on task ids, which grow: ids this run got
 * back before sending are older, and so is every task with an id below that of a task that had
 * finished before the request was sent (its `finished_at`, on the server's clock, read from the
 * answer's Date header).
 */

/** Form fields that are not flow inputs: the server keeps them elsewhere than in `input_params`. */
const NOT_INPUTS = new Set([
	'count',
	'seed',
	'priority',
	'group_scope',
	'translate',
	'child_task',
	'webhook_url',
	'webhook_headers',
]);

/** How long the look for the lost task waits out the server being down. */
const LOOK_PATIENCE_MS = 60_000;
/** A create whose answer was lost may still be at work on the server: one more look after this. */
const SECOND_LOOK_AFTER_MS = 2000;
/** Slack between n8n's clock and the server's, on top of the Date header's whole seconds (or without one). */
const CLOCK_SLACK_MS = 500;
const NO_DATE_SLACK_MS = 60_000;

/** A file input given as another task's output or input (`{"task_id":1,"node_id":9}`): not kept in `input_params`. */
function isFileReference(value: string): boolean {
	if (!value.trimStart().startsWith('{')) return false;
	try {
		const parsed = JSON.parse(value) as unknown;
		return typeof parsed === 'object' && parsed !== null && 'task_id' in parsed;
	} catch {
		return false;
	}
}

/** The text fields a create form carries (files, uploaded or referenced, are matched by flow and time only). */
function sentTextFields(form: FormData): Map<string, string> {
	const fields = new Map<string, string>();
	form.forEach((value, name) => {
		if (typeof value === 'string' && !isFileReference(value)) fields.set(name, value);
	});
	return fields;
}

function sameValue(sent: string, stored: unknown): boolean {
	if (stored === undefined || stored === null) return false;
	const text = String(stored);
	if (text === sent) return true;
	const [a, b] = [Number(sent), Number(stored)];
	return sent.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b;
}

/** A server timestamp (`2026-11-27T05:32:42.580477`, UTC without a zone) in ms. */
function serverTime(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
	return Number.isFinite(ms) ? ms : undefined;
}

function isFinished(task: TaskDetails): boolean {
	return Boolean(task.error) || task.progress >= 100;
}

interface SentCreate {
	flow: string;
	form: FormData;
	itemIndex: number;
	/** When the request was sent (n8n's clock). */
	sentAt: number;
	/** Every task with this id or below existed before the request was sent. */
	floor: number;
}

/** The creates of one run of the node: what came back, and what is still under way. */
export class TaskCreator {
	private readonly answers: Array<{ at: number; ids: number[] }> = [];
	private readonly claimed = new Set<number>();
	private readonly underWay = new Set<Promise<unknown>>();

	constructor(private readonly context: IExecuteFunctions) {}

	/** `PUT /tasks/create/{flow}`, once (a lost answer is looked for); the tasks are logged at once. */
	async create(
		flow: string,
		form: FormData,
		itemIndex: number,
		signal?: AbortSignal,
	): Promise<CreateTaskResponse> {
		const response = await this.createOnce(flow, form, itemIndex, signal);
		logCreatedTasks(this.context, flow, itemIndex, response.tasks_ids);
		return response;
	}

	private async createOnce(
		flow: string,
		form: FormData,
		itemIndex: number,
		signal?: AbortSignal,
	): Promise<CreateTaskResponse> {
		const sentAt = Date.now();
		const floor = Math.max(
			0,
			...this.answers.filter((answer) => answer.at <= sentAt).flatMap((answer) => answer.ids),
		);
		const request = visionatrixJson.call(
			this.context,
			{ ...createTaskRoute(flow), body: form, abortSignal: signal },
			{ doing: `create a task of flow '${flow}'`, flow, itemIndex, sent: true },
		) as Promise<CreateTaskResponse>;
		const settled = request.then(
			() => undefined,
			() => undefined,
		);
		this.underWay.add(settled);
		try {
			const response = await request;
			this.answers.push({ at: Date.now(), ids: response.tasks_ids });
			for (const id of response.tasks_ids) this.claimed.add(id);
			return response;
		} catch (error) {
			const cause = noAnswerCause(error);
			if (cause === undefined || signal?.aborted) throw error as NodeApiError;
			this.underWay.delete(settled);
			// The other creates of this run first: their answers say which tasks are theirs.
			await Promise.all([...this.underWay]);
			return await this.recover({ flow, form, itemIndex, sentAt, floor }, cause, error as Error);
		} finally {
			this.underWay.delete(settled);
		}
	}

	private async recover(
		sent: SentCreate,
		cause: string,
		failure: Error,
	): Promise<CreateTaskResponse> {
		const { flow, itemIndex } = sent;
		const fields = sentTextFields(sent.form);
		const asked = Math.max(1, Number(fields.get('count') ?? 1) || 1);
		const since = clockTime(sent.sentAt);
		const fail = (found: string, json: Record<string, unknown> = {}): never => {
			throw withItemJson(
				new NodeOperationError(
					this.context.getNode(),
					withItemIndex(
						`The request to create a task of flow '${flow}' got no answer from Visionatrix (${cause}), and ${found}: the task may exist anyway, so check the Visionatrix task list before running this item again`,
						itemIndex,
					),
					{
						itemIndex,
						description: `The request was sent at ${since} and not sent again: a second create would queue a second task. ${failure.message}`,
					},
				),
				{ flow, ...json },
			);
		};

		let matches: TaskDetails[] = [];
		try {
			matches = await this.lookFor(sent, fields, asked);
			if (matches.length < asked) {
				await pause(SECOND_LOOK_AFTER_MS, this.context.getExecutionCancelSignal());
				matches = await this.lookFor(sent, fields, asked);
			}
		} catch (error) {
			if (this.context.getExecutionCancelSignal()?.aborted) throw error as NodeApiError;
			return fail(
				`the task list could not be read to find the task it made (${withoutItemIndex((error as Error).message)})`,
			);
		}
		const ids = matches.map((task) => task.task_id).sort((a, b) => a - b);
		if (matches.length === 0)
			return fail(`no task of that flow made since it was sent at ${since} matches what was sent`);
		if (matches.length !== asked) {
			return fail(
				`${matches.length} tasks of that flow made since it was sent at ${since} match what was sent (${ids.join(', ')}) where ${asked} ${asked === 1 ? 'was' : 'were'} asked for, so the node cannot tell which it made`,
				{ possible_task_ids: ids },
			);
		}
		for (const id of ids) this.claimed.add(id);
		this.context.logger.warn(
			`Visionatrix node "${this.context.getNode().name}": the answer to the create of item ${itemIndex} (flow '${flow}') was lost (${cause}); found the task${asked === 1 ? '' : 's'} it made: ${ids.join(', ')}`,
		);
		return {
			tasks_ids: ids,
			outputs: matches[0].outputs.map((output) => ({ ...output, file_size: -1, batch_size: -1 })),
		};
	}

	/** The summary's tasks of the flow, not older than the create and not claimed, whose inputs are what was sent; newest first. */
	private matching(
		summary: ProgressSummary,
		sent: SentCreate,
		fields: Map<string, string>,
		asked: number,
	): TaskDetails[] {
		const seed = fields.has('seed') ? Number(fields.get('seed')) : undefined;
		const inputs = [...fields].filter(([name]) => !NOT_INPUTS.has(name));
		return Object.values(summary)
			.filter(
				(task) =>
					task.name === sent.flow && task.task_id > sent.floor && !this.claimed.has(task.task_id),
			)
			.filter((task) =>
				inputs.every(([name, value]) => sameValue(value, task.input_params?.[name])),
			)
			.filter((task) => {
				if (seed === undefined || !Number.isFinite(seed)) return true;
				const taskSeed = Number(task.input_params?.seed);
				return taskSeed >= seed && taskSeed < seed + asked;
			})
			.sort((a, b) => b.task_id - a.task_id);
	}

	/** The flow's tasks the lost create may have made, newest first. */
	private async lookFor(
		sent: SentCreate,
		fields: Map<string, string>,
		asked: number,
	): Promise<TaskDetails[]> {
		const signal = this.context.getExecutionCancelSignal();
		const watch = new OutageWatch({
			logger: this.context.logger,
			nodeName: this.context.getNode().name,
			maxDelayMs: DEFAULT_MAX_POLL_INTERVAL_SECONDS * 1000,
			signal,
		});
		const groupScope = fields.get('group_scope') ?? '1';
		const response = await watch.read(
			async () =>
				await visionatrixRequest.call(
					this.context,
					{
						...progressSummaryRoute({ name: sent.flow, group_scope: groupScope }),
						abortSignal: signal,
					},
					{
						doing: `look for the task a lost create of flow '${sent.flow}' made`,
						flow: sent.flow,
						itemIndex: sent.itemIndex,
					},
				),
			Date.now() + LOOK_PATIENCE_MS,
			giveUp,
		);
		// The server's clock against n8n's, to place the request's time among the server's timestamps.
		const serverNow = Date.parse(String(response.headers.date ?? ''));
		const offset = Number.isFinite(serverNow) ? serverNow - Date.now() : 0;
		const sentOnServer =
			sent.sentAt + offset - (Number.isFinite(serverNow) ? CLOCK_SLACK_MS : NO_DATE_SLACK_MS);

		const candidates = this.matching((response.body ?? {}) as ProgressSummary, sent, fields, asked);

		// Newest first: a task that had finished before the request was sent is older, and so is every lower id.
		const made: TaskDetails[] = [];
		for (const task of candidates) {
			if (isFinished(task)) {
				const details = await getTask.call(this.context, task.task_id, signal, sent.itemIndex);
				const finishedAt = serverTime(details?.finished_at) ?? serverTime(details?.updated_at);
				if (finishedAt !== undefined && finishedAt < sentOnServer) break;
			}
			made.push(task);
		}
		return made;
	}
}
