/** Responses the way the server shapes them, and the error type handlers throw. */
import { toPythonJson } from './pyjson';

export interface Reply {
	status: number;
	headers: Record<string, string>;
	body?: Buffer;
	/** Close the connection after answering (the server does so after unhandled errors). */
	closeConnection?: boolean;
}

export function jsonReply(status: number, value: unknown): Reply {
	return {
		status,
		headers: { 'content-type': 'application/json' },
		body: Buffer.from(toPythonJson(value), 'utf8'),
	};
}

/** FastAPI's `HTTPException`: `{"detail": …}`. */
export function detailReply(status: number, detail: unknown): Reply {
	return jsonReply(status, { detail });
}

export function noContent(): Reply {
	return { status: 204, headers: {} };
}

/** The auth middleware's answer: plain text without any content-type header. */
export function notAuthenticated(): Reply {
	return {
		status: 401,
		headers: { 'www-authenticate': 'Basic' },
		body: Buffer.from('Not authenticated'),
	};
}

/** What an unhandled exception in the server produces. */
export function internalServerError(): Reply {
	return {
		status: 500,
		headers: { 'content-type': 'text/plain; charset=utf-8' },
		body: Buffer.from('Internal Server Error'),
		closeConnection: true,
	};
}

/** Thrown by handlers to answer with `reply`. */
export class HttpError extends Error {
	constructor(readonly reply: Reply) {
		super(`HTTP ${reply.status}`);
		this.name = 'HttpError';
	}

	static detail(status: number, detail: unknown): HttpError {
		return new HttpError(detailReply(status, detail));
	}

	/** A failure the real server does not handle (it answers a plain-text 500). */
	static unhandled(): HttpError {
		return new HttpError(internalServerError());
	}
}
