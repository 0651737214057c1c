/** A small method + path router with `{param}` segments. */
import type { UserInfo } from '../users';
import type { FormEntry } from './multipart';
import type { Reply } from './reply';

export interface RequestContext {
	method: string;
	/** Full path, prefix included. */
	path: string;
	/** Path below the API prefix (`/tasks/progress/1`). */
	routePath: string;
	params: Record<string, string>;
	query: Record<string, string>;
	headers: Record<string, string>;
	user: UserInfo;
	body: Buffer;
	/** Parsed form body; `null` when the request had no form content type. */
	form: FormEntry[] | null;
	/** Set when a form content type was sent but the body could not be parsed. */
	formInvalid: boolean;
	/** Parsed JSON body, `undefined` when none was sent or it was not JSON. */
	json: unknown;
	jsonInvalid: boolean;
}

export type Handler = (context: RequestContext) => Reply | Promise<Reply>;

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
}

export type Resolution =
	| { kind: 'found'; handler: Handler; params: Record<string, string> }
	| { kind: 'method-not-allowed'; allow: string[] }
	| { kind: 'redirect'; location: string }
	| { kind: 'not-found' };

export class Router {
	private readonly routes: Route[] = [];

	add(method: string, path: string, handler: Handler): this {
		const keys: string[] = [];
		const source = path
			.split('/')
			.map((segment) => {
				const param = /^\{(\w+)\}$/.exec(segment);
				if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				keys.push(param[1]);
				return '([^/]+)';
			})
			.join('/');
		this.routes.push({
			method: method.toUpperCase(),
			pattern: new RegExp(`^${source}$`),
			keys,
			handler,
		});
		return this;
	}

	resolve(method: string, path: string): Resolution {
		const allow: string[] = [];
		for (const route of this.routes) {
			const match = route.pattern.exec(path);
			if (!match) continue;
			if (route.method !== method.toUpperCase()) {
				allow.push(route.method);
				continue;
			}
			const params: Record<string, string> = {};
			route.keys.forEach((key, index) => {
				params[key] = decodeURIComponent(match[index + 1]);
			});
			return { kind: 'found', handler: route.handler, params };
		}
		if (allow.length > 0) return { kind: 'method-not-allowed', allow };
		// Like Starlette's redirect_slashes: `/x/` → `/x` when `/x` exists.
		if (path.length > 1 && path.endsWith('/')) {
			const trimmed = path.replace(/\/+$/, '');
			if (this.resolve(method, trimmed).kind === 'found')
				return { kind: 'redirect', location: trimmed };
		}
		return { kind: 'not-found' };
	}
}
