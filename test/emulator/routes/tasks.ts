/** Task routes for clients: progress, results, cancel, delete, restart, update, inputs. */
import { createHash } from 'node:crypto';

import { httpDate } from '../clock';
import { createZip } from '../media/zip';
import { contentTypeFor } from '../http/mime';
import { HttpError, jsonReply, noContent, type Reply } from '../http/reply';
import type { RequestContext, Router } from '../http/router';
import { Validator, pathInt, queryBool } from '../http/validation';
import type { TaskRecord } from '../state';
import { taskDetailsJson, taskSummaryJson } from '../taskView';
import type { StoredFile } from '../types';
import type { Services } from './services';

function notFound(taskId: number): HttpError {
	return HttpError.detail(404, `Task \`${taskId}\` was not found.`);
}

/** Reads integer query parameters in one go (FastAPI reports every problem at once). */
function queryInts<K extends string>(
	query: Record<string, string>,
	specs: Record<K, { fallback?: number }>,
): Record<K, number> {
	const validator = new Validator();
	const values = {} as Record<K, number>;
	for (const [name, spec] of Object.entries(specs) as Array<[K, { fallback?: number }]>) {
		const raw = query[name];
		if (raw === undefined) {
			if (spec.fallback === undefined) validator.missing('query', name);
			else values[name] = spec.fallback;
		} else {
			const value = validator.int('query', name, raw);
			if (value !== undefined) values[name] = value;
		}
	}
	validator.throwIfInvalid();
	return values;
}

/** Starlette's `Content-Disposition` for a download name. */
function attachment(fileName: string): string {
	const quoted = encodeURIComponent(fileName).replace(/%2F/gi, '/');
	return quoted === fileName
		? `attachment; filename="${fileName}"`
		: `attachment; filename*=utf-8''${quoted}`;
}

/** A file answer with the headers Starlette's FileResponse sends. */
function fileReply(file: StoredFile, downloadName: string | null, modified: Date): Reply {
	const headers: Record<string, string> = {
		'content-type': contentTypeFor(file.fileName),
		'accept-ranges': 'bytes',
		'last-modified': httpDate(modified),
		etag: `"${createHash('md5')
			.update(`${modified.getTime() / 1000}-${file.data.length}`)
			.digest('hex')}"`,
	};
	if (downloadName !== null) headers['content-disposition'] = attachment(downloadName);
	return { status: 200, headers, body: file.data };
}

function modifiedAt(task: TaskRecord): Date {
	const stamp = task.finishedAt ?? task.updatedAt;
	return stamp ? new Date(`${stamp.slice(0, 23)}Z`) : new Date();
}

function summaryFilters(context: RequestContext): {
	name?: string;
	groupScope: number;
	onlyParent: boolean;
} {
	const { group_scope: groupScope } = queryInts(context.query, { group_scope: { fallback: 1 } });
	const onlyParent = queryBool(context.query, 'only_parent', false);
	return { name: context.query.name, groupScope, onlyParent };
}

function keyedById(
	tasks: TaskRecord[],
	render: (task: TaskRecord) => unknown,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const task of tasks) out[String(task.id)] = render(task);
	return out;
}

export function registerTaskRoutes(router: Router, services: Services): void {
	const { store } = services;

	router.add('GET', '/tasks/progress/{task_id}', (context) => {
		const taskId = pathInt('task_id', context.params.task_id);
		const task = store.getOwned(taskId, context.user.user_id);
		if (!task) throw notFound(taskId);
		return jsonReply(200, taskDetailsJson(task, store));
	});

	router.add('GET', '/tasks/progress-summary', (context) => {
		const filters = summaryFilters(context);
		const tasks = store.query({ userId: context.user.user_id, ...filters });
		return jsonReply(
			200,
			keyedById(tasks, (task) => taskSummaryJson(task, store)),
		);
	});

	router.add('GET', '/tasks/progress', (context) => {
		const filters = summaryFilters(context);
		const tasks = store.query({ userId: context.user.user_id, ...filters });
		return jsonReply(
			200,
			keyedById(tasks, (task) => taskDetailsJson(task, store)),
		);
	});

	router.add('GET', '/tasks/results', (context) => {
		const {
			task_id: taskId,
			node_id: nodeId,
			batch_index: batchIndex,
		} = queryInts(context.query, {
			task_id: {},
			node_id: {},
			batch_index: { fallback: 0 },
		});
		const task = store.getOwned(taskId, context.user.user_id);
		if (!task) throw notFound(taskId);
		if (task.progress < 100)
			throw HttpError.detail(400, `Task \`${taskId}\` is not completed yet.`);
		if (!task.outputs.some((output) => output.comfyNodeId === nodeId)) {
			throw HttpError.detail(404, `No such node in the flow for task=\`${taskId}\`.`);
		}
		const files = task.resultsFor(nodeId);
		const missing = HttpError.detail(
			404,
			`Missing result for task=\`${taskId}\` and node=\`${nodeId}\`.`,
		);
		if (files.length === 0) throw missing;
		if (batchIndex === -1) {
			const modified = modifiedAt(task);
			return {
				status: 200,
				headers: {
					'content-type': 'application/zip',
					'content-disposition': `attachment; filename=${taskId}_${nodeId}_results.zip`,
				},
				body: createZip(files.map((file) => ({ name: file.fileName, data: file.data, modified }))),
			};
		}
		if (batchIndex + 1 > files.length) throw missing;
		// Python indexing: other negative indexes count from the end.
		const file = files[batchIndex < 0 ? files.length + batchIndex : batchIndex];
		if (!file) throw HttpError.unhandled();
		const dot = file.fileName.lastIndexOf('.');
		const [base, extension] =
			dot > 0 ? [file.fileName.slice(0, dot), file.fileName.slice(dot)] : [file.fileName, ''];
		const downloadName = (base.endsWith('_') ? base.slice(0, -1) : base) + extension;
		return fileReply(file, downloadName, modifiedAt(task));
	});

	router.add('GET', '/tasks/inputs', (context) => {
		const { task_id: taskId, input_index: inputIndex } = queryInts(context.query, {
			task_id: {},
			input_index: {},
		});
		const task = store.get(taskId);
		if (!task || (task.userId !== context.user.user_id && !context.user.is_admin))
			throw notFound(taskId);
		const file = task.inputFiles[inputIndex < 0 ? task.inputFiles.length + inputIndex : inputIndex];
		if (!file) throw HttpError.unhandled();
		return fileReply(file, null, new Date(`${task.createdAt}Z`));
	});

	router.add('DELETE', '/tasks/queue/{task_id}', (context) => {
		const taskId = pathInt('task_id', context.params.task_id);
		const task = store.getOwned(taskId, context.user.user_id);
		if (!task) throw notFound(taskId);
		// A finished task stays; an unfinished one (queued or running) is removed with its lock.
		if (task.progress !== 100) store.remove([taskId]);
		return noContent();
	});

	router.add('DELETE', '/tasks/task', (context) => {
		const { task_id: taskId } = queryInts(context.query, { task_id: {} });
		const task = store.get(taskId);
		if (!task || (task.userId !== context.user.user_id && !context.user.is_admin))
			throw notFound(taskId);
		store.remove(store.withDescendants(taskId));
		return noContent();
	});

	router.add('POST', '/tasks/restart', (context) => {
		const { task_id: taskId } = queryInts(context.query, { task_id: {} });
		const force = queryBool(context.query, 'force', false);
		const task = store.getOwned(taskId, context.user.user_id);
		if (!task) throw notFound(taskId);
		if (task.progress === 100) throw HttpError.detail(400, `Task \`${taskId}\` already finished.`);
		if (!task.error && !force) throw HttpError.detail(400, `Task \`${taskId}\` has no error set.`);
		store.restart(task);
		return noContent();
	});

	router.add('PUT', '/tasks/update', (context) => {
		const validator = new Validator();
		let taskId: number | undefined;
		if (context.query.task_id === undefined) validator.missing('query', 'task_id');
		else taskId = validator.int('query', 'task_id', context.query.task_id);
		let body: Record<string, unknown> | undefined;
		if (context.jsonInvalid) {
			validator.issues.push({
				type: 'json_invalid',
				loc: ['body', 0],
				msg: 'JSON decode error',
				input: {},
				ctx: { error: 'Expecting value' },
			});
		} else if (context.json === undefined) {
			validator.issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
		} else if (
			context.json === null ||
			typeof context.json !== 'object' ||
			Array.isArray(context.json)
		) {
			validator.issues.push({
				type: 'model_attributes_type',
				loc: ['body'],
				msg: 'Input should be a valid dictionary or object to extract fields from',
				input: context.json,
			});
		} else {
			// The model's only field is required and strict: a JSON integer 0–15, or null.
			body = context.json as Record<string, unknown>;
			if (!('priority' in body)) validator.missing('body', 'priority');
			else if (typeof body.priority !== 'number' && body.priority !== null) {
				validator.issues.push({
					type: 'int_type',
					loc: ['body', 'priority'],
					msg: 'Input should be a valid integer',
					input: body.priority,
				});
			} else if (body.priority !== null) {
				validator.int('body', 'priority', body.priority, { ge: 0, le: 15 });
			}
		}
		validator.throwIfInvalid();

		const task = store.get(taskId!);
		if (!task || (task.userId !== context.user.user_id && !context.user.is_admin))
			throw notFound(taskId!);
		if (task.progress !== 0) {
			throw HttpError.detail(
				400,
				`Task \`${taskId}\` cannot be updated because it has already started.`,
			);
		}
		if (body!.priority === null) throw HttpError.unhandled(); // the server compares None > 15
		store.setPriority(task, Number(body!.priority));
		return noContent();
	});
}
