import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { throwIfVisionatrixError, toVisionatrixNetworkError, type ErrorContext } from './errors';
import type { ApiVersion } from './types';

/**
 * The one place that knows how to reach a Visionatrix server: credential type, base URL,
 * path prefix of each API generation, and authentication (through n8n's credential helper).
 */

export const CREDENTIAL_TYPE = 'visionatrixApi';

export const API_PREFIX: Record<ApiVersion, string> = {
	current: '/vapi',
	legacy: '/api',
};

/** `http://host:8288/` + `legacy` → `http://host:8288/api` */
export function apiBaseUrl(credentials: { baseUrl: string; apiVersion?: ApiVersion }): string {
	const root = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
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
	// The node reads the status itself, to say what the user should do (see errors.ts).
	ignoreHttpStatusErrors: true,
	returnFullResponse: true,
} satisfies Partial<IHttpRequestOptions>;

type RequestContext = IExecuteFunctions | IExecuteSingleFunctions | ILoadOptionsFunctions;

export interface VisionatrixRequest {
	method: IHttpRequestMethods;
	/** Path under the API prefix, e.g. `/tasks/progress/5`. */
	path: string;
	qs?: IDataObject;
	body?: IHttpRequestOptions['body'];
	encoding?: IHttpRequestOptions['encoding'];
	timeout?: number;
	abortSignal?: AbortSignal;
}

/** Sends one request with the node's credential and returns the full response, or throws a mapped error. */
export async function visionatrixRequest(
	this: RequestContext,
	request: VisionatrixRequest,
	context: ErrorContext,
): Promise<IN8nHttpFullResponse> {
	const credentials = await this.getCredentials<{ baseUrl: string; apiVersion: ApiVersion }>(
		CREDENTIAL_TYPE,
	);
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
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		throw toVisionatrixNetworkError(this.getNode(), error, { ...context, url: options.baseURL });
	}
	await throwIfVisionatrixError(this.getNode(), response, { apiVersion: credentials.apiVersion, ...context });
	return response;
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
