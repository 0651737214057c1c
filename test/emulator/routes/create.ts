/**
 * `PUT /tasks/create/{name}`: validates the reserved form fields, resolves flow inputs (text
 * values, uploaded files, or files taken from other tasks) and queues `count` tasks.
 *
 * The order of checks follows the server, because it decides which error a client sees and
 * whether a task id is used up: reserved fields (422) → flow lookup (404) → file references
 * (400) → `webhook_headers` (500) → then per task: take an id, resolve text inputs (unknown list
 * key or bad bool: 500) and files (missing required: 400), ComfyUI's check of the number inputs
 * (a value that does not convert: 400), `child_task` checks (400), store.
 */
import { randomInt } from 'node:crypto';

import { validateGraphInputs } from '../comfyValidation';
import type { EmulatedFlow, FlowInputParam, StoredFile } from '../types';
import { FILE_INPUT_TYPES, TEXT_INPUT_TYPES } from '../types';
import { lastEntries, type FormEntry, type FormFile } from '../http/multipart';
import { HttpError, jsonReply } from '../http/reply';
import { toPythonJson } from '../http/pyjson';
import type { RequestContext, Router } from '../http/router';
import { Validator } from '../http/validation';
import type { TaskRecord } from '../state';
import type { UserInfo } from '../users';
import type { Services } from './services';

/** Fields of the server's task-creation form model; never taken as flow inputs. */
const RESERVED_FIELDS = new Set([
	'group_scope',
	'priority',
	'child_task',
	'webhook_url',
	'webhook_headers',
	'seed',
	'count',
	'translate',
]);

interface ReservedFields {
	groupScope: number;
	priority: number;
	childTask: number;
	webhookUrl: string;
	webhookHeaders: string;
	seed: number;
	count: number;
	translate: number;
}

type FileSource =
	| { kind: 'upload'; file: FormFile }
	| { kind: 'task-output'; ref: Record<string, unknown>; task: TaskRecord }
	| { kind: 'task-input'; ref: Record<string, unknown>; task: TaskRecord };

function fieldText(entry: FormEntry | undefined): string | undefined {
	if (!entry) return undefined;
	return 'value' in entry ? entry.value : entry.file.filename;
}

function readReservedFields(entries: Map<string, FormEntry>): ReservedFields {
	const validator = new Validator();
	const int = (
		name: string,
		fallback: number,
		rules: { ge?: number; le?: number } = {},
	): number => {
		const raw = fieldText(entries.get(name));
		return raw === undefined ? fallback : (validator.int('body', name, raw, rules) ?? fallback);
	};
	// Same order as the server's model, which is the order its 422 lists problems in.
	const fields: ReservedFields = {
		groupScope: int('group_scope', 1, { ge: 1, le: 255 }),
		priority: int('priority', 0, { ge: 0, le: 15 }),
		childTask: int('child_task', 0),
		webhookUrl: fieldText(entries.get('webhook_url')) ?? '',
		webhookHeaders: fieldText(entries.get('webhook_headers')) ?? '',
		seed: int('seed', 1),
		count: int('count', 1, { ge: 1 }),
		translate: int('translate', 0),
	};
	validator.throwIfInvalid();
	return fields;
}

/** Python's `repr`-like rendering of a JSON value inside error messages. */
function pythonText(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

function resolveFileReference(text: string, user: UserInfo, services: Services): FileSource {
	let ref: unknown;
	try {
		ref = JSON.parse(text);
	} catch {
		throw HttpError.detail(400, `Invalid file input:${text}`);
	}
	if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) throw HttpError.unhandled();
	const fields = ref as Record<string, unknown>;
	if ('remote_url' in fields) {
		if (fields.type !== 'nextcloud') {
			throw HttpError.detail(
				400,
				`Unknown type(${pythonText(fields.type)} for \`remote_url\` parameter`,
			);
		}
		throw HttpError.detail(501, 'Inputs from `remote_url` are not emulated.');
	}
	if (!('task_id' in fields))
		throw HttpError.detail(400, 'Missing `task_id` or `remote_url` parameter.');
	const taskId = Number(fields.task_id);
	if (!Number.isInteger(taskId)) throw HttpError.unhandled();
	const task = services.store.getOwned(taskId, user.user_id);
	if (!task) throw HttpError.detail(400, `Missing task with id=${pythonText(fields.task_id)}`);
	return 'input_index' in fields
		? { kind: 'task-input', ref: fields, task }
		: { kind: 'task-output', ref: fields, task };
}

/** `Path(name).suffix`: the last extension, or '' (also for names like `.hidden`). */
function suffixOf(fileName: string): string {
	const base = fileName.slice(fileName.lastIndexOf('/') + 1);
	const dot = base.lastIndexOf('.');
	return dot > 0 && dot < base.length - 1 ? base.slice(dot) : '';
}

/** Uploads whose first bytes hold `base64,` (a data URL) are stored decoded, as the server does. */
function uploadedBytes(file: FormFile): Buffer {
	const marker = file.data.subarray(0, 30).indexOf('base64,');
	return marker === -1
		? file.data
		: Buffer.from(file.data.subarray(marker + 7).toString('latin1'), 'base64');
}

/** Python list indexing: negative counts from the end; out of range is an unhandled error. */
function pythonIndex<T>(items: readonly T[], index: unknown): T {
	if (typeof index !== 'number' || !Number.isInteger(index)) throw HttpError.unhandled();
	const item = items[index < 0 ? items.length + index : index];
	if (item === undefined) throw HttpError.unhandled();
	return item;
}

function materializeInput(taskId: number, param: string, source: FileSource): StoredFile {
	switch (source.kind) {
		case 'upload':
			return {
				fileName: `${taskId}_${param}${suffixOf(source.file.filename)}`,
				data: uploadedBytes(source.file),
			};
		case 'task-input': {
			const original = pythonIndex(source.task.inputFiles, source.ref.input_index);
			return { fileName: `${taskId}_${param}${suffixOf(original.fileName)}`, data: original.data };
		}
		case 'task-output': {
			if (!('node_id' in source.ref)) {
				throw HttpError.detail(
					400,
					`Bad flow, \`input_index\`, \`node_id\` or \`file_content\` should be present for '${param}' parameter.`,
				);
			}
			const prefix = `${pythonText(source.ref.task_id)}_${pythonText(source.ref.node_id)}_`;
			const found = [...source.task.results]
				.sort((a, b) => (a.fileName < b.fileName ? -1 : 1))
				.find((file) => file.fileName.startsWith(prefix));
			if (!found) {
				throw HttpError.detail(
					400,
					`Bad flow, file from task_id=\`${pythonText(source.ref.task_id)}\`, node_id=${pythonText(source.ref.node_id)} not found.`,
				);
			}
			return { fileName: `${taskId}_${param}${suffixOf(found.fileName)}`, data: found.data };
		}
	}
}

/** The value a text input gets in the graph; the server fails (500) on unknown list keys and bad bools. */
function checkTextInput(param: FlowInputParam, given: string | number | undefined): void {
	const value = given ?? param.default;
	if (value === undefined) {
		if (!param.optional) throw HttpError.detail(400, `Missing \`${param.name}\` parameter.`);
		return;
	}
	if (
		param.type === 'list' &&
		!Object.prototype.hasOwnProperty.call(param.options ?? {}, String(value))
	) {
		throw HttpError.unhandled();
	}
	if (param.type === 'bool' && typeof value === 'string') {
		const word = value.trim().toLowerCase();
		if (!['true', '1', 'yes', 'y', 'on', 'false', '0', 'no', 'n', 'off'].includes(word))
			throw HttpError.unhandled();
	}
}

/** Fills the flow's graph template for one task (see `EmulatedFlow.comfyGraph`). */
export function renderGraph(
	template: unknown,
	taskId: number,
	seed: number,
	inputs: Map<string, string>,
): unknown {
	if (typeof template === 'string') {
		if (template === '{{seed}}') return seed;
		return template
			.replace(/\{\{task_id\}\}/g, String(taskId))
			.replace(/\{\{input:([\w-]+)\}\}/g, (_, name: string) => inputs.get(name) ?? '');
	}
	if (Array.isArray(template))
		return template.map((item) => renderGraph(item, taskId, seed, inputs));
	if (template && typeof template === 'object') {
		return Object.fromEntries(
			Object.entries(template).map(([key, value]) => [
				key,
				renderGraph(value, taskId, seed, inputs),
			]),
		);
	}
	return template;
}

/** The key of the node that stands for the rest of the real flow's graph. */
export const GRAPH_FILLER_NODE = 'emulator_rest_of_graph';

/**
 * The rendered graph with a filler node that makes it as large as the real flow's: the real graph
 * carries the task's text inputs and seed in its other nodes, so they count too.
 */
export function withRealGraphSize(
	graph: Record<string, unknown>,
	flow: EmulatedFlow,
	inputParams: Record<string, string | number>,
	seed: number,
): Record<string, unknown> {
	if (flow.comfyGraphBytes === undefined) return graph;
	const texts = Object.values(inputParams).filter(
		(value): value is string => typeof value === 'string',
	);
	const wanted =
		Buffer.byteLength(toPythonJson(graph)) +
		flow.comfyGraphBytes +
		texts.reduce((sum, text) => sum + Buffer.byteLength(JSON.stringify(text)) - 2, 0) +
		(flow.info.is_seed_supported ? String(seed).length : 0);
	const filler = {
		inputs: { values: [...texts, seed] },
		class_type: 'EmulatorFiller',
		_meta: { title: '' },
	};
	const padded = { ...graph, [GRAPH_FILLER_NODE]: filler };
	filler._meta.title = 'x'.repeat(Math.max(0, wanted - Buffer.byteLength(toPythonJson(padded))));
	return padded;
}

function outputsJson(flow: EmulatedFlow): Array<Record<string, unknown>> {
	return flow.outputs.map((output) => ({
		comfy_node_id: output.comfy_node_id,
		type: output.type,
		file_size: -1,
		batch_size: -1,
	}));
}

async function createTasks(context: RequestContext, services: Services, name: string) {
	if (context.formInvalid) throw HttpError.detail(400, 'There was an error parsing the body');
	const entries = lastEntries(context.form ?? []);
	const reserved = readReservedFields(entries);

	const flow = services.catalog.find(name);
	if (!flow) throw HttpError.detail(404, `Flow \`${name}\` is not installed.`);
	const params = new Map(flow.info.input_params.map((param) => [param.name, param]));

	const textInputs: Record<string, string | number> = {};
	const fileInputs = new Map<string, FileSource>();
	for (const [key, entry] of entries) {
		if (key === 'seed' && flow.info.is_seed_supported) {
			textInputs.seed = reserved.seed;
			continue;
		}
		if (RESERVED_FIELDS.has(key) || key === 'surprise_me') continue;
		const param = params.get(key);
		if (!param) continue; // the server logs and ignores unknown fields
		if (TEXT_INPUT_TYPES.has(param.type)) {
			if ('file' in entry) throw HttpError.unhandled();
			textInputs[key] = entry.value;
			continue;
		}
		if (!FILE_INPUT_TYPES.has(param.type)) {
			throw HttpError.detail(400, `Unsupported input type '${param.type}' for ${key} parameter.`);
		}
		fileInputs.set(
			key,
			'file' in entry
				? { kind: 'upload', file: entry.file }
				: resolveFileReference(entry.value, context.user, services),
		);
	}

	let webhookHeaders: unknown = null;
	if (reserved.webhookHeaders) {
		try {
			webhookHeaders = JSON.parse(reserved.webhookHeaders);
		} catch {
			throw HttpError.unhandled();
		}
	}

	const created: TaskRecord[] = [];
	for (let index = 0; index < reserved.count; index++) {
		const taskId = services.store.reserveId();
		const inputParams = { ...textInputs };
		if (typeof textInputs.seed === 'number') inputParams.seed = textInputs.seed + index;
		const seed = typeof inputParams.seed === 'number' ? inputParams.seed : randomInt(1, 2147483647);

		for (const param of flow.info.input_params) {
			if (TEXT_INPUT_TYPES.has(param.type)) checkTextInput(param, inputParams[param.name]);
		}
		for (const param of flow.info.input_params) {
			if (FILE_INPUT_TYPES.has(param.type) && !param.optional && !fileInputs.has(param.name)) {
				throw HttpError.detail(400, `The parameter '${param.name}' is required, but missing.`);
			}
		}
		const inputFiles = [...fileInputs].map(([param, source]) => ({
			param,
			...materializeInput(taskId, param, source),
		}));
		validateGraphInputs(flow, inputParams);

		let parentTaskId: number | null = null;
		let parentTaskNodeId: number | null = null;
		if (reserved.childTask) {
			const first = [...fileInputs.values()][0];
			if (!first)
				throw HttpError.detail(400, "No input file provided. Use the parent task's node ID.");
			if (first.kind === 'upload')
				throw HttpError.detail(400, "Invalid input file. Use the parent task's node ID.");
			if (!('node_id' in first.ref)) throw HttpError.unhandled();
			parentTaskId = Number(first.ref.task_id);
			parentTaskNodeId = Number(first.ref.node_id);
		}

		const storedNames = new Map(inputFiles.map((file) => [file.param, file.fileName]));
		created.push(
			services.store.insert({
				id: taskId,
				flow: flow.info.name,
				userId: context.user.user_id,
				groupScope: reserved.groupScope,
				priority: reserved.priority,
				inputParams,
				seed,
				inputFiles,
				outputs: flow.outputs.map((output) => ({
					comfyNodeId: output.comfy_node_id,
					type: output.type,
				})),
				flowComfy: withRealGraphSize(
					renderGraph(flow.comfyGraph, taskId, seed, storedNames) as Record<string, unknown>,
					flow,
					inputParams,
					seed,
				),
				parentTaskId,
				parentTaskNodeId,
				hidden: flow.info.hidden === true,
				webhookUrl: reserved.webhookUrl || null,
				webhookHeaders,
				translate: reserved.translate !== 0,
				createdAt: services.store.serverStartedAt,
			}),
		);
	}
	return jsonReply(200, { tasks_ids: created.map((task) => task.id), outputs: outputsJson(flow) });
}

export function registerCreateRoute(router: Router, services: Services): void {
	router.add('PUT', '/tasks/create/{name}', (context) =>
		createTasks(context, services, context.params.name),
	);
}
