import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { withItemIndex } from './itemErrors';
import type { ErrorContext } from './responseErrors';

/** Requests that got no answer from Visionatrix itself: network failures, and a proxy answering for it. */

/** A request that got no HTTP answer at all (refused, unknown host, timeout, reset). */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host not found',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'timed out',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection reset',
	EHOSTUNREACH: 'host unreachable',
};

/** Failures that happen before a request leaves: nothing reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function isNeverSent(networkCode: string): boolean {
	return NOT_SENT.has(networkCode);
}

/** Why a request got no answer from Visionatrix itself, in a few words; undefined when it did get one. */
export function noAnswerCause(error: unknown): string | undefined {
	const { networkCode, proxyAnswer, httpCode } = (error ?? {}) as {
		networkCode?: string;
		proxyAnswer?: boolean;
		httpCode?: string | null;
	};
	if (proxyAnswer === true)
		return `the proxy in front of Visionatrix answered ${httpCode ?? 'an error'}`;
	if (typeof networkCode === 'string') return NETWORK_FAILURES[networkCode] ?? 'no answer';
	return undefined;
}

/**
 * n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) refused the server's address, as it does for
 * private and local addresses: nothing was sent, and trying again cannot help.
 */
function ssrfRefusal(error: unknown): boolean {
	const { name, message } = (error ?? {}) as { name?: string; message?: string };
	return (
		name === 'SsrfBlockedIpError' ||
		name === 'SsrfBlockedHostnameError' ||
		/^The request was blocked because (it resolves to a restricted IP address|the destination hostname is restricted)/.test(
			message ?? '',
		)
	);
}

function ssrfError(node: INode, error: unknown, context: ErrorContext): NodeApiError {
	const where = context.url ?? 'the Base URL';
	const summary = `n8n's SSRF protection blocked the request to Visionatrix at ${where} to ${context.doing}: allow the server's address in n8n's settings (N8N_SSRF_ALLOWED_IP_RANGES, for example 192.168.1.20/32, or N8N_SSRF_ALLOWED_HOSTNAMES)`;
	return new NodeApiError(
		node,
		{ network_error: 'ssrf_blocked', doing: context.doing },
		{
			message: withItemIndex(summary, context.itemIndex),
			description: `n8n refuses requests to private and local addresses while N8N_SSRF_PROTECTION_ENABLED is true; nothing was sent to Visionatrix. The n8n administrator allows a server on your own network with N8N_SSRF_ALLOWED_IP_RANGES or N8N_SSRF_ALLOWED_HOSTNAMES (keep "default" in N8N_SSRF_BLOCKED_IP_RANGES). n8n said: ${(error as Error).message}`,
			itemIndex: context.itemIndex,
		},
	);
}

export function toVisionatrixNetworkError(
	node: INode,
	error: unknown,
	context: ErrorContext,
): Error {
	// Not marked with a networkCode: neither retried nor taken for an outage.
	if (ssrfRefusal(error)) return ssrfError(node, error, context);
	// n8n's request helper reports a request without an answer as a NodeApiError whose httpCode is
	// the network code (ECONNREFUSED, ETIMEDOUT, …) instead of an HTTP status.
	const { code, httpCode, message, name } = (error ?? {}) as {
		code?: string;
		httpCode?: string | null;
		message?: string;
		name?: string;
	};
	// An answer that broke off after its headers arrives with its (successful) status as httpCode.
	const brokenOff = httpCode !== undefined && httpCode !== null && /^[123]\d\d$/.test(httpCode);
	const reason =
		code ??
		(brokenOff ? 'ECONNRESET' : httpCode && !/^\d{3}$/.test(httpCode) ? httpCode : undefined);
	const cancelled = name === 'AbortError' || name === 'CanceledError' || reason === 'ERR_CANCELED';
	if (cancelled || (reason === undefined && error instanceof NodeApiError)) return error as Error;
	// The message must not contain the code itself: NodeApiError would swap it for a generic text.
	const what = NETWORK_FAILURES[reason ?? ''] ?? 'no answer';
	const where = context.url ?? 'the Base URL';
	const maybeSent = context.sent === true && !isNeverSent(reason ?? '');
	// The message says what to do itself: with Continue On Fail an item keeps only the message.
	const summary = maybeSent
		? `Visionatrix at ${where} did not answer the request to ${context.doing} (${what}), which may have reached it: check in Visionatrix whether it was carried out before running again`
		: `Cannot reach Visionatrix at ${where} to ${context.doing} (${what}): check that the server is running and reachable from n8n at the credential's Base URL`;
	const failure = new NodeApiError(
		node,
		// Not `code`: NodeApiError would swap the message for its generic one for known codes.
		{ network_error: reason ?? 'unknown', doing: context.doing },
		{
			message: withItemIndex(summary, context.itemIndex),
			description: `Check the Base URL of the Visionatrix credential (for example http://localhost:8288) and that the server is running and reachable from n8n. Network error: ${reason ?? message ?? 'unknown'}.${
				maybeSent
					? ' The request may have reached the server, so it was not sent again (a second create would queue a second task): check the task list in Visionatrix before running again.'
					: ''
			}`,
			itemIndex: context.itemIndex,
		},
	);
	return Object.assign(failure, { networkCode: reason ?? 'unknown' });
}
