/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@typescript-eslint/no-explicit-any
	-- test code, run by Node.js and never shipped */
/**
 * The contract tests' HTTP client: axios + form-data, used the way the vendor's getting-started
 * guide uses its client (multipart PUT to create, GET progress, GET results). Bodies are kept as
 * raw bytes so tests can compare them, their length and their headers with the recordings.
 */
import axios, { type Method } from 'axios';
import FormData from 'form-data';

export interface Credentials {
	username: string;
	password: string;
}

export type FieldValue = string | { data: Buffer; filename: string; contentType: string };

export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	json<T = any>(): T;
	text(): string;
}

export interface RequestOptions {
	query?: Record<string, string | number>;
	/** `null`: send no Authorization header. Default: the client's credentials. */
	auth?: Credentials | null;
	headers?: Record<string, string>;
}

export class VisionatrixTestClient {
	constructor(
		readonly baseUrl: string,
		readonly prefix: string,
		readonly credentials: Credentials | null,
	) {}

	as(credentials: Credentials | null): VisionatrixTestClient {
		return new VisionatrixTestClient(this.baseUrl, this.prefix, credentials);
	}

	withPrefix(prefix: string): VisionatrixTestClient {
		return new VisionatrixTestClient(this.baseUrl, prefix, this.credentials);
	}

	async request(
		method: Method,
		path: string,
		data?: unknown,
		options: RequestOptions = {},
	): Promise<RawResponse> {
		const auth = options.auth === undefined ? this.credentials : options.auth;
		const response = await axios.request<ArrayBuffer>({
			method,
			url: `${this.baseUrl}${this.prefix}${path}`,
			params: options.query,
			data,
			headers: options.headers,
			auth: auth ?? undefined,
			responseType: 'arraybuffer',
			validateStatus: () => true,
			maxRedirects: 0,
		});
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers)) {
			if (value !== undefined && value !== null)
				headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		}
		const body = Buffer.from(response.data ?? new ArrayBuffer(0));
		return {
			status: response.status,
			headers,
			body,
			json: () => JSON.parse(body.toString('utf8')),
			text: () => body.toString('utf8'),
		};
	}

	get(path: string, options?: RequestOptions): Promise<RawResponse> {
		return this.request('GET', path, undefined, options);
	}

	delete(path: string, options?: RequestOptions): Promise<RawResponse> {
		return this.request('DELETE', path, undefined, options);
	}

	post(path: string, options?: RequestOptions): Promise<RawResponse> {
		return this.request('POST', path, undefined, options);
	}

	putJson(path: string, body: unknown, options?: RequestOptions): Promise<RawResponse> {
		return this.request('PUT', path, JSON.stringify(body), {
			...options,
			headers: { 'content-type': 'application/json', ...(options?.headers ?? {}) },
		});
	}

	postJson(path: string, body: unknown, options?: RequestOptions): Promise<RawResponse> {
		return this.request('POST', path, JSON.stringify(body), {
			...options,
			headers: { 'content-type': 'application/json', ...(options?.headers ?? {}) },
		});
	}

	/** A multipart PUT, the way the guide's `httpx.put(..., files=...)` sends task inputs. */
	putForm(
		path: string,
		fields: Array<[string, FieldValue]>,
		options?: RequestOptions,
	): Promise<RawResponse> {
		const form = new FormData();
		for (const [name, value] of fields) {
			if (typeof value === 'string') form.append(name, value);
			else
				form.append(name, value.data, { filename: value.filename, contentType: value.contentType });
		}
		return this.request('PUT', path, form.getBuffer(), {
			...options,
			headers: { ...form.getHeaders(), ...(options?.headers ?? {}) },
		});
	}

	/** Creates a task from a flow with text fields (and files). */
	createTask(
		flow: string,
		fields: Array<[string, FieldValue]>,
		options?: RequestOptions,
	): Promise<RawResponse> {
		return this.putForm(`/tasks/create/${flow}`, fields, options);
	}

	/** Polls the task's progress (the guide polls every 5 s; tests use a short interval). */
	async waitForTask(
		taskId: number,
		intervalMs = 25,
		timeoutMs = 10_000,
	): Promise<Record<string, any>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const response = await this.get(`/tasks/progress/${taskId}`);
			if (response.status !== 200)
				throw new Error(`progress of task ${taskId}: HTTP ${response.status} ${response.text()}`);
			const details = response.json();
			if (details.error || details.progress >= 100) return details;
			if (Date.now() > deadline)
				throw new Error(
					`task ${taskId} not done after ${timeoutMs} ms (progress ${details.progress})`,
				);
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	}
}
