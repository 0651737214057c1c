/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * The request pipeline every call goes through, in the server's order: record → interceptors →
 * authentication (before routing, so unknown paths answer 401 too) → API prefix → route → answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

import type {
	InterceptorReply,
	RecordedFormField,
	RecordedRequest,
	RequestInterceptor,
} from '../types';
import { AUTH_OFF_USER, type UserDirectory } from '../users';
import { isFormContentType, parseForm, type FormEntry } from './multipart';
import { HttpError, detailReply, internalServerError, notAuthenticated, type Reply } from './reply';
import type { RequestContext, Router } from './router';

export interface PipelineHost {
	readonly auth: boolean;
	readonly prefix: string;
	readonly users: UserDirectory;
	readonly router: Router;
	readonly requests: RecordedRequest[];
	readonly interceptors: readonly RequestInterceptor[];
	/** Unexpected exceptions (bugs); they are answered with a plain 500. */
	reportInternalError(error: unknown): void;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return headers;
}

function recordFormFields(entries: readonly FormEntry[]): RecordedFormField[] {
	return entries.map((entry) =>
		'file' in entry
			? {
					name: entry.name,
					filename: entry.file.filename,
					contentType: entry.file.contentType,
					size: entry.file.data.length,
				}
			: { name: entry.name, value: entry.value },
	);
}

function interceptorReply(reply: InterceptorReply): Reply {
	const headers = { ...(reply.headers ?? {}) };
	let body: Buffer | undefined;
	if (typeof reply.body === 'string') body = Buffer.from(reply.body);
	else if (Buffer.isBuffer(reply.body)) body = reply.body;
	else if (reply.body !== undefined) {
		body = Buffer.from(JSON.stringify(reply.body));
		if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
			headers['content-type'] = 'application/json';
		}
	}
	return { status: reply.status, headers, body };
}

/** Writes the answer; with `truncateAt`, only that many bytes of its body, then the connection drops. */
function send(
	response: ServerResponse,
	reply: Reply,
	entry: RecordedRequest,
	truncateAt?: number,
): void {
	const headers: Record<string, string> = { ...reply.headers };
	const hasBody = reply.status !== 204 && reply.status !== 304;
	if (hasBody) headers['content-length'] = String(reply.body?.length ?? 0);
	if (reply.closeConnection) headers.connection = 'close';
	entry.status = reply.status;
	entry.finishedAt = Date.now();
	entry.responseBytes = hasBody ? Math.min(reply.body?.length ?? 0, truncateAt ?? Infinity) : 0;
	response.writeHead(reply.status, headers);
	if (hasBody && truncateAt !== undefined && reply.body && reply.body.length > truncateAt) {
		entry.truncatedAt = truncateAt;
		// The headers promise the whole body; the connection drops once the first bytes are out.
		response.write(reply.body.subarray(0, truncateAt), () => response.socket?.destroy());
		return;
	}
	response.end(hasBody ? reply.body : undefined);
}

function checkedKeepBytes(keepBytes: number): number {
	if (!Number.isInteger(keepBytes) || keepBytes < 0)
		throw new RangeError(`truncate.keepBytes must be a whole number ≥ 0, got ${keepBytes}`);
	return keepBytes;
}

/** CPU µs of the process (exact on Linux; Node's per-thread figure is counted in scheduler ticks). */
function cpuMicros(): number {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
}

export async function handleRequest(
	host: PipelineHost,
	request: IncomingMessage,
	response: ServerResponse,
): Promise<void> {
	const url = new URL(request.url ?? '/', 'http://emulator.invalid');
	const query: Record<string, string> = {};
	for (const [name, value] of url.searchParams) query[name] = value;
	const headers = flattenHeaders(request);
	const method = (request.method ?? 'GET').toUpperCase();
	const entry: RecordedRequest = {
		method,
		path: url.pathname,
		query,
		authUser: null,
		claimedUser: null,
		headers,
		formFields: [],
		status: 0,
		receivedAt: Date.now(),
		finishedAt: null,
		responseBytes: 0,
		handlingMs: 0,
	};
	host.requests.push(entry);
	// Set by a `truncate` interceptor action: the answer, whatever it is, breaks off after that many body bytes.
	let truncateAt: number | undefined;

	try {
		const body = await readBody(request);
		const contentType = headers['content-type'];
		let form: FormEntry[] | null = null;
		let formInvalid = false;
		if (isFormContentType(contentType)) {
			try {
				form = await parseForm(contentType!, body);
				entry.formFields = recordFormFields(form);
			} catch {
				formInvalid = true;
			}
		}
		let json: unknown;
		let jsonInvalid = false;
		if (/^application\/(.+\+)?json\b/i.test(contentType ?? '') && body.length > 0) {
			try {
				json = JSON.parse(body.toString('utf8'));
				entry.jsonBody = json;
			} catch {
				jsonInvalid = true;
			}
		}

		for (const interceptor of [...host.interceptors]) {
			const action = await interceptor({ method, path: url.pathname, query, headers, body });
			if (!action) continue;
			if ('destroy' in action) {
				entry.finishedAt = Date.now();
				request.socket.destroy();
				return;
			}
			if ('reply' in action) {
				send(response, interceptorReply(action.reply), entry, truncateAt);
				return;
			}
			if ('truncate' in action) {
				truncateAt = checkedKeepBytes(action.truncate.keepBytes);
				continue;
			}
			await new Promise((resolve) => setTimeout(resolve, action.delayMs));
		}

		let user = AUTH_OFF_USER;
		if (host.auth) {
			const auth = host.users.authenticate(headers.authorization);
			entry.claimedUser = auth.claimed;
			if (!auth.user) {
				send(response, notAuthenticated(), entry, truncateAt);
				return;
			}
			user = auth.user;
		}
		entry.authUser = user.user_id;

		const prefix = host.prefix;
		if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
			send(response, detailReply(404, 'Not Found'), entry, truncateAt);
			return;
		}
		const routePath = url.pathname.slice(prefix.length) || '/';
		const resolution = host.router.resolve(method, routePath);
		if (resolution.kind === 'not-found') {
			send(response, detailReply(404, 'Not Found'), entry, truncateAt);
			return;
		}
		if (resolution.kind === 'method-not-allowed') {
			const reply = detailReply(405, 'Method Not Allowed');
			reply.headers.allow = resolution.allow.join(', ');
			send(response, reply, entry, truncateAt);
			return;
		}
		if (resolution.kind === 'redirect') {
			send(
				response,
				{ status: 307, headers: { location: `${prefix}${resolution.location}${url.search}` } },
				entry,
				truncateAt,
			);
			return;
		}
		const context: RequestContext = {
			method,
			path: url.pathname,
			routePath,
			params: resolution.params,
			query,
			headers,
			user,
			body,
			form,
			formInvalid,
			json,
			jsonInvalid,
		};
		// The time the route ran: its CPU time, at most its wall clock (the process's CPU time counts
		// the garbage collector's helper threads too; the wall clock, time spent waiting for a core
		// on a busy machine). A route that answers at once (every read does) is timed before the
		// await lets other work of the emulator's in, such as a worker storing its result files.
		const started = { cpu: cpuMicros(), wall: performance.now() };
		const handlingMs = () =>
			Math.min((cpuMicros() - started.cpu) / 1000, performance.now() - started.wall);
		const answer = resolution.handler(context);
		entry.handlingMs = handlingMs();
		const reply = await answer;
		if (answer instanceof Promise) entry.handlingMs = handlingMs();
		send(response, reply, entry, truncateAt);
	} catch (error) {
		if (error instanceof HttpError) {
			send(response, error.reply, entry, truncateAt);
			return;
		}
		host.reportInternalError(error);
		if (!response.headersSent) send(response, internalServerError(), entry, truncateAt);
		else response.destroy();
	}
}
