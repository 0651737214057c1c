import type { IN8nHttpFullResponse, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { FLOW_NOT_INSTALLED_FIX, flowNotInstalledMessage, withItemIndex } from './itemErrors';
import type { ApiVersion } from './types';

/** Visionatrix's answers with an error status (and its proxy's), as errors that say what to do. */

/** What the node was doing, so an error can say which item, flow or task it concerns. */
export interface ErrorContext {
	itemIndex?: number;
	/** Short phrase: "create a task", "get the task's progress", "download a result", … */
	doing: string;
	flow?: string;
	taskId?: number | string;
	apiVersion?: ApiVersion;
	url?: string;
	/** A write (create, cancel, …) that the server may have received even without an answer. */
	sent?: boolean;
}

const OTHER_API_VERSION: Record<ApiVersion, string> = {
	current: "'Legacy (1.6 and earlier)', whose routes are under /api",
	legacy: "'Current (1.7 and later)', whose routes are under /vapi",
};

function isStream(body: unknown): body is AsyncIterable<Uint8Array> {
	return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

async function bodyText(body: unknown): Promise<string> {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (isStream(body)) {
		const chunks: Buffer[] = [];
		for await (const chunk of body) chunks.push(Buffer.from(chunk));
		return Buffer.concat(chunks).toString('utf8');
	}
	return JSON.stringify(body);
}

/** Reads and drops a response body (before a retry), so the connection can be reused. */
export async function discardBody(body: unknown): Promise<void> {
	if (isStream(body)) for await (const _chunk of body) void _chunk;
}

/** The server's message: FastAPI's `detail` (a string, or a list of validation errors), else the text. */
function serverDetail(text: string): string {
	if (/^\s*<(!doctype|html|head|body)/i.test(text)) {
		const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
		return `an HTML page${title ? ` titled '${title}'` : ''} instead of Visionatrix's JSON, probably from a proxy in front of it`;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return text.trim();
	}
	const detail = (parsed as { detail?: unknown })?.detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) {
		return detail
			.map((entry: { loc?: unknown[]; msg?: string }) => {
				const field = Array.isArray(entry.loc) ? entry.loc[entry.loc.length - 1] : undefined;
				return field === undefined ? String(entry.msg) : `'${String(field)}': ${String(entry.msg)}`;
			})
			.join('; ');
	}
	return text.trim();
}

/** Statuses a reverse proxy answers while the server behind it is down, restarting or too slow. */
const PROXY_STATUSES = new Set([502, 503, 504]);

/** A 502/503/504 whose body is not Visionatrix's JSON (`{"detail": …}`): the proxy's own answer, not the server's. */
export function isProxyAnswer(status: number, text: string): boolean {
	if (!PROXY_STATUSES.has(status)) return false;
	try {
		const parsed = JSON.parse(text) as { detail?: unknown };
		return typeof parsed !== 'object' || parsed === null || !('detail' in parsed);
	} catch {
		return true;
	}
}

const STATUS_PHRASES: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

function apiError(
	node: INode,
	status: number,
	detail: string,
	message: string,
	description: string,
	context: ErrorContext,
): NodeApiError {
	// Built from plain values only: the request (and its Authorization header) never reaches the error.
	const response: JsonObject = { status, detail, doing: context.doing };
	if (context.taskId !== undefined) response.task_id = String(context.taskId);
	if (context.flow !== undefined) response.flow = context.flow;
	return new NodeApiError(node, response, {
		message: withItemIndex(message, context.itemIndex),
		description,
		httpCode: String(status),
		itemIndex: context.itemIndex,
	});
}

type MakeError = (message: string, description: string) => NodeApiError;

/** A 401 or 4xx answer: what the server refused, and what to do; undefined for other statuses. */
function refusal(
	status: number,
	detail: string,
	context: ErrorContext,
	make: MakeError,
): NodeApiError | undefined {
	if (status === 401) {
		if (/admin privilege/i.test(detail)) {
			return make(
				`Visionatrix refused to ${context.doing}: it needs an admin account`,
				'Use the credential of a Visionatrix admin user for this operation.',
			);
		}
		return make(
			`Visionatrix rejected the credentials while trying to ${context.doing} (401 ${detail || 'Not authenticated'})`,
			'Check the username and password of the Visionatrix credential. Leave both empty only if the server runs with authentication off.',
		);
	}
	if (status === 404 && detail === 'Not Found') {
		const other = context.apiVersion
			? OTHER_API_VERSION[context.apiVersion]
			: 'the other API Version';
		return make(
			`Visionatrix has no route to ${context.doing} (404 Not Found): the server probably speaks the other API generation`,
			`In the Visionatrix credential, set API Version to ${other}. Visionatrix 1.7 and later use /vapi, older servers /api.`,
		);
	}
	if (status === 404 && /is not installed/.test(detail)) {
		return make(flowNotInstalledMessage(context.flow ?? detail), FLOW_NOT_INSTALLED_FIX);
	}
	if (status === 404 && /was not found/.test(detail)) {
		const subject = context.taskId === undefined ? 'The task' : `Task ${context.taskId}`;
		return make(
			`${subject} was not found: it was cancelled or deleted on the Visionatrix server (or belongs to another user)`,
			'Visionatrix shows each user only their own tasks. Check the Task ID.',
		);
	}
	if (status === 400 || status === 404 || status === 409 || status === 422) {
		return make(
			`Visionatrix could not ${context.doing}: ${detail}`,
			context.flow
				? `Check the inputs of flow '${context.flow}' against what the flow expects.`
				: 'Check the values given to this operation.',
		);
	}
	return undefined;
}

/** Maps a Visionatrix error status and body to an error that says what to do. */
function visionatrixError(
	node: INode,
	status: number,
	text: string,
	context: ErrorContext,
): NodeApiError {
	const detail = serverDetail(text);
	const make = (message: string, description: string) =>
		apiError(node, status, detail, message, description, context);

	const refused = refusal(status, detail, context, make);
	if (refused) return refused;
	if (status >= 300 && status < 400) {
		return make(
			`Visionatrix redirected the request to ${context.doing} to ${detail || 'another address'} (${status}); it was not sent there`,
			'Set the Base URL of the Visionatrix credential to the address the server redirects to (for example https:// instead of http://): a request that changes something is not sent on along a redirect.',
		);
	}
	if (isProxyAnswer(status, text)) {
		const after = context.sent
			? '; the request may have reached it before: check in Visionatrix whether it was carried out before running again'
			: '; run again once it answers';
		const failure = make(
			`The reverse proxy in front of Visionatrix answered ${status} ${STATUS_PHRASES[status]} to the request to ${context.doing}: Visionatrix is down or restarting${after}`,
			`The answer (${detail ? `'${detail.slice(0, 200)}'` : 'an empty body'}) came from the proxy in front of Visionatrix (nginx, Caddy, Traefik, …), not from Visionatrix itself. Check that the Visionatrix server is running and that the proxy points at it.`,
		);
		return Object.assign(failure, { proxyAnswer: true });
	}
	if (status >= 500) {
		const maybeCreated = context.sent
			? ' The request was not sent again: the server may have acted on it (a task may exist anyway), so check its task list before running again.'
			: '';
		return make(
			`Visionatrix failed to ${context.doing} (${status} ${detail || 'server error'})`,
			`The server hit an internal error. Visionatrix answers 500 for some invalid inputs (an unknown list option, a bool it cannot parse, webhook headers that are not JSON): check those, then the server log.${maybeCreated}`,
		);
	}
	return make(`Visionatrix answered ${status} while trying to ${context.doing}: ${detail}`, detail);
}

/** Throws the mapped error when a full response carries an error status. */
export async function throwIfVisionatrixError(
	node: INode,
	response: IN8nHttpFullResponse,
	context: ErrorContext,
): Promise<void> {
	const status = response.statusCode;
	if (status < 300) return;
	// A redirect reaches here only for a write (reads follow it): what matters is where it points.
	const text =
		status < 400 ? String(response.headers.location ?? '') : await bodyText(response.body);
	throw visionatrixError(node, status, text, context);
}
