/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Named fault injectors over the emulator's request interceptors: server errors, dropped
 * connections, slow answers, downloads that break off, a proxy's HTML error page, credentials that
 * stop working, a server that goes down at a request, tasks that vanish or fail mid-wait, and a
 * seeded mix of them all.
 *
 *     const faults = injectFaults(vix);
 *     const fault = faults.serverErrors({ count: 2, status: 503, paths: [ROUTES.progress] });
 *     // ... run ...
 *     expect(fault.hits).toBe(2);
 *     fault();          // removes it (or faults.clear() for all of them)
 *
 * Paths are given under the API prefix (`/tasks/progress/5`, not `/vapi/tasks/progress/5`): a
 * string matches itself and what is below it, a RegExp is tested against the path.
 */
import { STATUS_CODES } from 'node:http';

import type {
	InterceptedRequest,
	InterceptorAction,
	RequestInterceptor,
	VisionatrixEmulator,
} from './types';

/** Path patterns of the routes a client uses. */
export const ROUTES = {
	whoami: '/other/whoami',
	flows: '/flows/installed',
	/** `PUT /tasks/create/{flow}` */
	create: '/tasks/create',
	/** One task (`/tasks/progress/5`), every task (`/tasks/progress`) and `/tasks/progress-summary`. */
	progress: /^\/tasks\/progress(-summary)?(\/[^/]*)?$/,
	results: '/tasks/results',
	/** `DELETE /tasks/queue/{id}` (cancel) */
	cancel: '/tasks/queue',
} as const;

export type PathPattern = string | RegExp;

/** Which requests a fault concerns, and how many of them. */
export interface FaultScope {
	/** Default: every path. */
	paths?: readonly PathPattern[];
	/** Default: every method. */
	methods?: readonly string[];
	/** Any other condition, e.g. on the query: `(r) => r.query.task_id === '5'`. */
	where?: (request: InterceptedRequest) => boolean;
	/** Matching requests let through untouched before the fault starts (default 0). */
	after?: number;
	/** Matching requests the fault hits, then it lets everything through (default: all of them). */
	count?: number;
}

/** Removes the fault; also tells what it did. */
export interface FaultHandle {
	(): void;
	/** Requests the fault acted on. */
	readonly hits: number;
	/** Those requests, in order (method, path under the prefix, query). */
	readonly hitRequests: ReadonlyArray<FaultedRequest>;
}

export interface FaultedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	/** What was done to it (for `random`, the kind chosen). */
	fault: string;
}

export type RandomFaultKind =
	| 'serverError'
	| 'tooManyRequests'
	| 'badGateway'
	| 'reset'
	| 'slow'
	| 'truncate';

export interface RandomFaultOptions extends Pick<FaultScope, 'paths' | 'where'> {
	seed: number;
	/** Share of the matching requests that get a fault, 0–1. */
	rate: number;
	/** Default: every kind. */
	kinds?: readonly RandomFaultKind[];
	/** Default `['GET']`: only reads, which a client may send again. */
	methods?: readonly string[];
	/**
	 * The same request (method, path and query) is faulted at most this many times in a row
	 * (default 2), so a client that tries a few times always gets through in the end.
	 */
	maxInARow?: number;
	/** Pause of a `slow` fault, default 150 ms. */
	slowMs?: number;
	/** Body bytes a `truncate` fault lets through, default 64. */
	keepBytes?: number;
}

/** mulberry32: a small seeded PRNG, numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A plain-text answer with the status's standard phrase (`500 Internal Server Error`). */
function statusText(status: number, headers: Record<string, string> = {}): InterceptorAction {
	return {
		reply: {
			status,
			headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
			body: STATUS_CODES[status] ?? `Error ${status}`,
		},
	};
}

/** The error page nginx serves when the server behind it does not answer. */
export function proxyErrorPage(
	status: number,
	title = `${status} ${STATUS_CODES[status] ?? 'Error'}`,
): string {
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n`;
}

/** The server's own 401 (plain text, no content-type). */
const NOT_AUTHENTICATED: InterceptorAction = {
	reply: { status: 401, headers: { 'www-authenticate': 'Basic' }, body: 'Not authenticated' },
};

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
	const result = value ?? fallback;
	if (result !== Infinity && (!Number.isInteger(result) || result < 0)) {
		throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
	}
	return result;
}

export class Faults {
	private readonly removers = new Set<() => void>();

	constructor(private readonly emulator: VisionatrixEmulator) {}

	/** The path under the emulator's prefix. */
	private routePath(path: string): string {
		const prefix = this.emulator.prefix;
		return path === prefix || path.startsWith(`${prefix}/`)
			? path.slice(prefix.length) || '/'
			: path;
	}

	private matches(
		request: InterceptedRequest,
		paths?: readonly PathPattern[],
		methods?: readonly string[],
	): boolean {
		if (methods && !methods.some((method) => method.toUpperCase() === request.method)) return false;
		if (!paths) return true;
		const path = this.routePath(request.path);
		return paths.some((pattern) =>
			typeof pattern === 'string'
				? path === pattern || path.startsWith(`${pattern.replace(/\/+$/, '')}/`)
				: pattern.test(path),
		);
	}

	/**
	 * Installs an interceptor that decides per request. `decide` returns the action and a name for
	 * it, or nothing to let the request through (it is not counted as a hit then).
	 */
	private install(
		decide: (request: InterceptedRequest) => { action?: InterceptorAction; fault: string } | void,
	): FaultHandle {
		const hitRequests: FaultedRequest[] = [];
		const interceptor: RequestInterceptor = (request) => {
			const decision = decide(request);
			if (!decision) return;
			hitRequests.push({
				method: request.method,
				path: this.routePath(request.path),
				query: request.query,
				fault: decision.fault,
			});
			return decision.action;
		};
		const uninstall = this.emulator.intercept(interceptor);
		const remove = () => {
			uninstall();
			this.removers.delete(remove);
		};
		this.removers.add(remove);
		return Object.defineProperties(remove, {
			hits: { get: () => hitRequests.length },
			hitRequests: { get: () => hitRequests },
		}) as FaultHandle;
	}

	/** The same action for the requests in scope: the `after` first ones pass, then `count` get it. */
	private scoped(
		scope: FaultScope,
		fault: string,
		action: (request: InterceptedRequest) => InterceptorAction | undefined,
	): FaultHandle {
		const after = wholeNumber('after', scope.after, 0);
		const count = wholeNumber('count', scope.count, Infinity);
		let seen = 0;
		let hit = 0;
		return this.install((request) => {
			if (
				!this.matches(request, scope.paths, scope.methods) ||
				(scope.where && !scope.where(request))
			)
				return;
			seen++;
			if (seen <= after || hit >= count) return;
			hit++;
			return { action: action(request), fault };
		});
	}

	/** Answers with a server error (default 500; 429 and 502–504 too) in plain text, as a server or proxy would. */
	serverErrors(
		options: FaultScope & { status?: number; retryAfterSeconds?: number } = {},
	): FaultHandle {
		const status = options.status ?? 500;
		if (status !== 429 && (status < 500 || status > 599))
			throw new RangeError(`status must be 429 or 5xx, got ${status}`);
		const headers: Record<string, string> =
			options.retryAfterSeconds === undefined
				? {}
				: { 'retry-after': String(options.retryAfterSeconds) };
		return this.scoped(options, `status ${status}`, () => statusText(status, headers));
	}

	/** Drops the connection without an answer (the client sees a reset). */
	connectionResets(options: FaultScope = {}): FaultHandle {
		return this.scoped(options, 'reset', () => ({ destroy: true }));
	}

	/** Holds each answer back `delayMs`, then answers normally. */
	slowResponses(options: FaultScope & { delayMs: number }): FaultHandle {
		wholeNumber('delayMs', options.delayMs, 0);
		return this.scoped(options, 'slow', () => ({ delayMs: options.delayMs }));
	}

	/**
	 * Result downloads that break off: the real headers (full Content-Length), `keepBytes` of the
	 * body (default 64), then the connection drops. Applies to `GET /tasks/results` unless `paths` says otherwise.
	 */
	truncatedDownloads(options: FaultScope & { keepBytes?: number } = {}): FaultHandle {
		const keepBytes = wholeNumber('keepBytes', options.keepBytes, 64);
		return this.scoped(
			{ paths: [ROUTES.results], methods: ['GET'], ...options },
			'truncate',
			() => ({ truncate: { keepBytes } }),
		);
	}

	/**
	 * The server acts on the request (a create queues its task), but the connection drops right
	 * after the answer's headers: the client never gets the body. An answer without a body is sent whole.
	 */
	lostAnswers(options: FaultScope = {}): FaultHandle {
		return this.scoped(options, 'answer lost', () => ({ truncate: { keepBytes: 0 } }));
	}

	/** What a reverse proxy answers when the server is down: its HTML error page (default 502, nginx's). */
	htmlErrorPage(options: FaultScope & { status?: number; title?: string } = {}): FaultHandle {
		const status = options.status ?? 502;
		const body = proxyErrorPage(status, options.title);
		return this.scoped(options, `html ${status}`, () => ({
			reply: { status, headers: { 'content-type': 'text/html', server: 'nginx/1.24.0' }, body },
		}));
	}

	/** The credentials stop working: after `afterRequests` requests in scope, the server's 401 for each. */
	unauthorizedFrom(options: Omit<FaultScope, 'after'> & { afterRequests: number }): FaultHandle {
		return this.scoped(
			{ ...options, after: options.afterRequests },
			'status 401',
			() => NOT_AUTHENTICATED,
		);
	}

	/** Progress reads that can show the task: its own, and the lists of all tasks. */
	private isPollOf(request: InterceptedRequest, taskId: number): boolean {
		if (request.method !== 'GET') return false;
		const path = this.routePath(request.path);
		return (
			path === `/tasks/progress/${taskId}` ||
			path === '/tasks/progress' ||
			path === '/tasks/progress-summary'
		);
	}

	/**
	 * A restart that begins at a request: the first request in scope finds the server going down
	 * (`stopServing`; its connection is dropped). `down` resolves once the port refuses connections,
	 * with the time the request came (ms since the epoch); `serveAgain` brings it back.
	 */
	goesDown(options: Omit<FaultScope, 'count'> = {}): FaultHandle & { down: Promise<number> } {
		let wentDown: (at: number) => void = () => {};
		const down = new Promise<number>((resolve) => (wentDown = resolve));
		const handle = this.scoped({ ...options, count: 1 }, 'server down', () => {
			const at = Date.now();
			void this.emulator.stopServing().then(() => wentDown(at));
			return { destroy: true };
		});
		return Object.assign(handle, { down });
	}

	/** After `afterPolls` progress reads that could show it, the task is deleted: the next read finds it gone. */
	vanishTask(taskId: number, options: { afterPolls?: number } = {}): FaultHandle {
		const afterPolls = wholeNumber('afterPolls', options.afterPolls, 0);
		let polls = 0;
		return this.install((request) => {
			if (!this.isPollOf(request, taskId) || polls++ < afterPolls) return;
			if (!this.emulator.deleteTask(taskId)) return;
			return { fault: `task ${taskId} deleted` };
		});
	}

	/** After `afterPolls` progress reads that could show it, the unfinished task fails with `error`. */
	taskError(taskId: number, options: { afterPolls?: number; error?: string } = {}): FaultHandle {
		const afterPolls = wholeNumber('afterPolls', options.afterPolls, 0);
		let polls = 0;
		return this.install((request) => {
			if (!this.isPollOf(request, taskId) || polls++ < afterPolls) return;
			const task = this.emulator.task(taskId);
			if (!task || task.state === 'completed' || task.state === 'failed') return;
			this.emulator.failTask(taskId, options.error);
			return { fault: `task ${taskId} failed` };
		});
	}

	/**
	 * A seeded mix: each request in scope gets, with probability `rate`, one of `kinds`. The same
	 * seed gives the same sequence of decisions (which request gets which depends on their order).
	 */
	random(options: RandomFaultOptions): FaultHandle {
		if (!(options.rate >= 0 && options.rate <= 1))
			throw new RangeError(`rate must be between 0 and 1, got ${options.rate}`);
		const kinds =
			options.kinds ??
			(['serverError', 'tooManyRequests', 'badGateway', 'reset', 'slow', 'truncate'] as const);
		if (kinds.length === 0) throw new RangeError('kinds must name at least one kind of fault');
		const maxInARow = wholeNumber('maxInARow', options.maxInARow, 2);
		const slowMs = wholeNumber('slowMs', options.slowMs, 150);
		const keepBytes = wholeNumber('keepBytes', options.keepBytes, 64);
		const methods = options.methods ?? ['GET'];
		const next = seededRandom(options.seed);
		const inARow = new Map<string, number>();

		const actions: Record<RandomFaultKind, () => InterceptorAction> = {
			serverError: () => statusText(500),
			tooManyRequests: () => statusText(429),
			badGateway: () => ({
				reply: { status: 502, headers: { 'content-type': 'text/html' }, body: proxyErrorPage(502) },
			}),
			reset: () => ({ destroy: true }),
			slow: () => ({ delayMs: slowMs }),
			truncate: () => ({ truncate: { keepBytes } }),
		};
		return this.install((request) => {
			if (
				!this.matches(request, options.paths, methods) ||
				(options.where && !options.where(request))
			)
				return;
			const key = `${request.method} ${request.path} ${new URLSearchParams(request.query).toString()}`;
			const streak = inARow.get(key) ?? 0;
			// Draw both numbers for every request, so the sequence does not depend on the streaks.
			const roll = next();
			const pick = next();
			if (streak >= maxInARow || roll >= options.rate) {
				inARow.delete(key);
				return;
			}
			inARow.set(key, streak + 1);
			const kind = kinds[Math.floor(pick * kinds.length)];
			return { action: actions[kind](), fault: kind };
		});
	}

	/** Removes every fault installed through this object. */
	clear(): void {
		for (const remove of [...this.removers]) remove();
	}
}

/** The fault injectors of one emulator. */
export function injectFaults(emulator: VisionatrixEmulator): Faults {
	return new Faults(emulator);
}
