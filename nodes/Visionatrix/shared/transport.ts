import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { isNeverSent, toVisionatrixNetworkError } from './networkErrors';
import { discardBody, throwIfVisionatrixError, type ErrorContext } from './responseErrors';
import { pause } from './pause';
import type { ApiVersion, VisionatrixCredentials } from './types';

/**
 * The one place that knows how to reach a Visionatrix server: credential type, base URL,
 * path prefix of each API generation, and authentication (through n8n's credential helper).
 */

export const CREDENTIAL_TYPE = 'visionatrixApi';

const API_PREFIX: Record<ApiVersion, string> = {
	current: '/vapi',
	legacy: '/api',
};

/** `http://host:8288/` + `legacy` → `http://host:8288/api` */
export function apiBaseUrl(credentials: { baseUrl: string; apiVersion?: ApiVersion }): string {
	const root = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	return root + API_PREFIX[credentials.apiVersion ?? 'current'];
}

/**
 * The same URL as {@link apiBaseUrl}, as an n8n expression over `$credentials`, for the
 * declarative parts (the node's `requestDefaults` and the credential test) that n8n resolves itself.
 */
export const API_BASE_URL_EXPRESSION =
	"={{ String($credentials.baseUrl).trim().replace(/\\/+$/, '') + ($credentials.apiVersion === 'legacy' ? '/api' : '/vapi') }}";

/** Options every request of this node carries, declarative or not. */
export const REQUEST_DEFAULTS = {
	baseURL: API_BASE_URL_EXPRESSION,
	// The Authorization header goes to the credential's host only, never along a redirect elsewhere.
	sendCredentialsOnCrossOriginRedirect: false,
	// The node reads the status itself, to say what the user should do (see responseErrors.ts).
	ignoreHttpStatusErrors: true,
	returnFullResponse: true,
} satisfies Partial<IHttpRequestOptions>;

// IWebhookFunctions: a node waiting on Visionatrix's webhook reads task states and downloads
// results while n8n handles the call (see wait/webhookWait.ts). IPollFunctions: the trigger.
export type RequestContext =
	| IExecuteFunctions
	| IExecuteSingleFunctions
	| ILoadOptionsFunctions
	| IWebhookFunctions
	| IPollFunctions;

interface VisionatrixRequest {
	method: IHttpRequestMethods;
	/** Path under the API prefix, e.g. `/tasks/progress/5`. */
	path: string;
	qs?: IDataObject;
	body?: IHttpRequestOptions['body'];
	encoding?: IHttpRequestOptions['encoding'];
	timeout?: number;
	abortSignal?: AbortSignal;
}

/**
 * Reads (GET) are retried on no answer, 5xx and 429, a few times with a growing pause. Writes are
 * sent once: a create that may have reached the server must not queue a second task on the GPU.
 * Only a request that certainly never left (connection refused, unknown host) is sent again.
 */
export const RETRY_POLICY = { attempts: 4, firstDelayMs: 300, maxDelayMs: 5000 };

function retryDelay(attempt: number, retryAfter: unknown): number {
	const asked = Number(retryAfter) * 1000;
	const backoff = RETRY_POLICY.firstDelayMs * 2 ** (attempt - 1);
	return Math.min(RETRY_POLICY.maxDelayMs, Number.isFinite(asked) && asked > 0 ? asked : backoff);
}

/** What is wrong with a Base URL, if anything: it needs a scheme, and no API path (the API Version adds it). */
export function baseUrlProblem(baseUrl: string): { message: string; hint: string } | undefined {
	const given = String(baseUrl ?? '').trim();
	if (!/^https?:\/\//i.test(given)) {
		return {
			message: `The Base URL '${given}' of the Visionatrix credential has no http:// or https://`,
			hint: `Write it with its scheme, for example http://${given.replace(/^\/+/, '') || 'localhost:8288'}.`,
		};
	}
	let url: URL;
	try {
		url = new URL(given);
	} catch {
		return {
			message: `The Base URL '${given}' of the Visionatrix credential is not a valid URL`,
			hint: 'Write it like http://localhost:8288.',
		};
	}
	if (/(^|\/)v?api(\/|$)/.test(url.pathname) || url.search || url.hash) {
		return {
			message: `The Base URL '${given}' of the Visionatrix credential has an API path or query in it`,
			hint: `Set it to ${url.origin} (plus the sub-path of a reverse proxy, if any) and choose the API Version: the node adds /vapi or /api itself.`,
		};
	}
	return undefined;
}

/** The credential, refused (before anything is sent) when its Base URL is unusable. */
export async function checkedCredentials(
	context: RequestContext,
	itemIndex?: number,
): Promise<VisionatrixCredentials> {
	const credentials = await context.getCredentials<VisionatrixCredentials>(CREDENTIAL_TYPE);
	const problem = baseUrlProblem(credentials.baseUrl);
	if (problem) {
		throw new NodeOperationError(context.getNode(), problem.message, {
			description: problem.hint,
			itemIndex,
		});
	}
	return credentials;
}

/** Sends one request with the node's credential and returns the full response, or throws a mapped error. */
export async function visionatrixRequest(
	this: RequestContext,
	request: VisionatrixRequest,
	context: ErrorContext,
): Promise<IN8nHttpFullResponse> {
	const credentials = await checkedCredentials(this, context.itemIndex);
	const errorContext: ErrorContext = { apiVersion: credentials.apiVersion, ...context };
	const options: IHttpRequestOptions = {
		...REQUEST_DEFAULTS,
		baseURL: apiBaseUrl(credentials),
		url: request.path,
		method: request.method,
		qs: request.qs,
		body: request.body,
		encoding: request.encoding,
		timeout: request.timeout,
		abortSignal: request.abortSignal,
		json: request.encoding === undefined || request.encoding === 'json' ? true : undefined,
	};
	const isRead = request.method === 'GET';
	// A write goes to the URL given, once: following a redirect would send it again, and the
	// redirect-following client keeps the whole body in memory to be able to (an upload would no
	// longer stream).
	if (!isRead) options.disableFollowRedirect = true;
	for (let attempt = 1; ; attempt++) {
		const lastAttempt = attempt >= RETRY_POLICY.attempts;
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			const failure = toVisionatrixNetworkError(this.getNode(), error, {
				...errorContext,
				url: options.baseURL,
				sent: !isRead,
			});
			const code = (failure as { networkCode?: string }).networkCode;
			if (!lastAttempt && code && (isRead || isNeverSent(code))) {
				await pause(retryDelay(attempt, undefined), request.abortSignal);
				continue;
			}
			throw failure;
		}
		const status = response.statusCode;
		if (isRead && !lastAttempt && (status >= 500 || status === 429)) {
			await discardBody(response.body);
			await pause(retryDelay(attempt, response.headers['retry-after']), request.abortSignal);
			continue;
		}
		// A write answered with an error status may still have been acted on (a 502 from a proxy, …).
		await throwIfVisionatrixError(this.getNode(), response, {
			...errorContext,
			sent: errorContext.sent ?? !isRead,
		});
		return response;
	}
}

/** A JSON request: the response body. */
export async function visionatrixJson(
	this: RequestContext,
	request: VisionatrixRequest,
	context: ErrorContext,
): Promise<unknown> {
	const response = await visionatrixRequest.call(this, request, context);
	return response.body;
}

/** The error context of the current item, with the credential's API Version (for 404 hints). */
export async function itemErrorContext(
	this: IExecuteSingleFunctions | IExecuteFunctions,
	doing: string,
	details: Omit<ErrorContext, 'doing' | 'apiVersion'> = {},
): Promise<ErrorContext> {
	const credentials = await this.getCredentials<{ apiVersion?: ApiVersion }>(CREDENTIAL_TYPE);
	const itemIndex = 'getItemIndex' in this ? this.getItemIndex() : undefined;
	return { itemIndex, ...details, doing, apiVersion: credentials.apiVersion ?? 'current' };
}
