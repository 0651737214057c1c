/**
 * The worker API (what Visionatrix workers in SERVER mode use): `POST /tasks/next`,
 * `PUT /tasks/progress`, `PUT /tasks/results`, `DELETE /tasks/lock`. With `workers: 0` a test can
 * drive tasks step by step through these routes, exactly as the recordings were made.
 */
import { HttpError, jsonReply, noContent } from '../http/reply';
import type { RequestContext, Router } from '../http/router';
import { Validator } from '../http/validation';
import type { TaskRecord } from '../state';
import { executionDetailsJson, workerTaskJson } from '../taskView';
import type { Services } from './services';

interface WorkerIdentity {
	workerId: string;
	deviceType: string;
	vramTotal: number;
}

function jsonBody(context: RequestContext, validator: Validator): Record<string, unknown> {
	if (
		context.jsonInvalid ||
		context.json === null ||
		typeof context.json !== 'object' ||
		Array.isArray(context.json)
	) {
		validator.issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
		validator.throwIfInvalid();
	}
	return context.json as Record<string, unknown>;
}

/** Worker ids are `{user}:{hostname}:[{device name}]:{device index}`. */
function identify(
	context: RequestContext,
	body: Record<string, unknown>,
	validator: Validator,
): WorkerIdentity | undefined {
	const details = body.worker_details as Record<string, unknown> | undefined;
	const system = details?.system as Record<string, unknown> | undefined;
	const device = Array.isArray(details?.devices)
		? (details.devices[0] as Record<string, unknown> | undefined)
		: undefined;
	if (
		!details ||
		typeof system?.hostname !== 'string' ||
		!device ||
		typeof device.name !== 'string'
	) {
		validator.missing('body', 'worker_details');
		return undefined;
	}
	return {
		workerId: `${context.user.user_id}:${system.hostname}:[${device.name}]:${String(device.index ?? 0)}`,
		deviceType: String(device.type ?? 'cuda'),
		vramTotal: Number(device.vram_total ?? 0),
	};
}

function float(validator: Validator, name: string, raw: unknown): number | undefined {
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw)))
		return Number(raw);
	if (raw === undefined) validator.missing('body', name);
	else
		validator.issues.push({
			type: 'float_parsing',
			loc: ['body', name],
			msg: 'Input should be a valid number',
			input: raw,
		});
	return undefined;
}

function ownedOrAdmin(context: RequestContext, services: Services, taskId: number): TaskRecord {
	const task = services.store.get(taskId);
	if (!task || (task.userId !== context.user.user_id && !context.user.is_admin)) {
		throw HttpError.detail(404, `Task \`${taskId}\` was not found.`);
	}
	return task;
}

function queryTaskId(context: RequestContext): number {
	const validator = new Validator();
	const raw = context.query.task_id;
	const taskId =
		raw === undefined
			? (validator.missing('query', 'task_id'), undefined)
			: validator.int('query', 'task_id', raw);
	validator.throwIfInvalid();
	return taskId!;
}

export function registerWorkerRoutes(router: Router, services: Services): void {
	const { store, registry } = services;

	router.add('POST', '/tasks/next', (context) => {
		const validator = new Validator();
		const body = jsonBody(context, validator);
		const worker = identify(context, body, validator);
		const names = body.tasks_names;
		if (!Array.isArray(names)) validator.missing('body', 'tasks_names');
		validator.throwIfInvalid();
		registry.touch(worker!.workerId, worker!);
		if ((names as unknown[]).length === 0) return noContent();
		const task = store.lockNext({
			names: (names as unknown[]).map(String),
			lastTaskName: typeof body.last_task_name === 'string' ? body.last_task_name : '',
			userId: context.user.is_admin ? undefined : context.user.user_id,
		});
		return task ? jsonReply(200, workerTaskJson(task)) : noContent();
	});

	router.add('PUT', '/tasks/progress', (context) => {
		const validator = new Validator();
		const body = jsonBody(context, validator);
		const worker = identify(context, body, validator);
		const taskId =
			body.task_id === undefined
				? (validator.missing('body', 'task_id'), undefined)
				: validator.int('body', 'task_id', body.task_id);
		const progress = float(validator, 'progress', body.progress);
		const executionTime = float(validator, 'execution_time', body.execution_time);
		validator.throwIfInvalid();
		const task = ownedOrAdmin(context, services, taskId!);
		registry.touch(worker!.workerId, worker!);
		const given = body.execution_details;
		const executionDetails =
			given && typeof given === 'object'
				? { ...executionDetailsJson(null), ...(given as Record<string, unknown>) }
				: null;
		store.applyProgress(task, {
			progress: progress!,
			executionTime: executionTime!,
			error: typeof body.error === 'string' ? body.error : '',
			workerId: worker!.workerId,
			executionDetails,
		});
		return noContent();
	});

	router.add('PUT', '/tasks/results', (context) => {
		const taskId = queryTaskId(context);
		if (context.formInvalid) throw HttpError.detail(400, 'There was an error parsing the body');
		const files = (context.form ?? []).filter((entry) => entry.name === 'files' && 'file' in entry);
		if (files.length === 0) {
			const validator = new Validator();
			validator.missing('body', 'files');
			validator.throwIfInvalid();
		}
		const task = ownedOrAdmin(context, services, taskId);
		const missing = store.storeResults(
			task,
			files.map((entry) => {
				const file = (entry as { file: { filename: string; data: Buffer } }).file;
				return { fileName: file.filename, data: file.data };
			}),
		);
		if (missing) throw HttpError.detail(400, `No results found for: ${missing}`);
		return noContent();
	});

	router.add('DELETE', '/tasks/lock', (context) => {
		const task = ownedOrAdmin(context, services, queryTaskId(context));
		store.unlock(task);
		return noContent();
	});
}
