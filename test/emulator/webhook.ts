/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Webhook calls: `POST {webhook_url}/task-progress` for every progress update of a task, with the
 * task's `webhook_headers`. 3 s timeout, no retry, failures only recorded. Calls for one task go
 * out one after the other, in the order of the updates.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { toPythonJson } from './http/pyjson';
import type { WebhookDelivery } from './types';

export const WEBHOOK_TIMEOUT_MS = 3000;
/** `failure` of a delivery that a drop rule kept from being sent. */
export const DROPPED = 'dropped (lost on the way, as set by dropWebhookCalls)';

/**
 * Where a call for `webhookUrl` goes, joined as the real server does it: httpx's
 * `AsyncClient(base_url=webhook_url).post("task-progress")` adds a `/` to the base's raw path
 * (path AND query string) unless it ends with one, then `task-progress`. Without a query that is
 * the path segment `<url>/task-progress`; with one, the suffix lands in the query:
 * `http://n8n/webhook-waiting/7?signature=T` → `…/webhook-waiting/7?signature=T/task-progress`
 * (n8n's waiting webhooks read exactly that). Checked against httpx 0.28.
 */
export function taskProgressUrl(webhookUrl: string): URL {
	const url = new URL(webhookUrl);
	const href = url.href.slice(0, url.href.length - url.hash.length);
	// `href` is `scheme://authority` + raw path (+ `?query`, kept even when empty, as httpx does).
	const pathStart = href.indexOf('/', url.protocol.length + 2);
	const origin = pathStart < 0 ? href : href.slice(0, pathStart);
	const rawPath = pathStart < 0 ? '/' : href.slice(pathStart);
	return new URL(
		`${origin}${rawPath.endsWith('/') ? rawPath : `${rawPath}/`}task-progress${url.hash}`,
	);
}

/** What a drop rule sees of a call about to be sent. */
export interface WebhookCall {
	taskId: number;
	progress: number;
	error: string;
	url: string;
}

export interface ProgressNotice {
	taskId: number;
	progress: number;
	executionTime: number;
	error: string;
}

export class WebhookSender {
	readonly deliveries: WebhookDelivery[] = [];
	private readonly queues = new Map<number, Promise<void>>();
	private readonly pending = new Set<ClientRequest>();
	private readonly dropRules = new Set<(call: WebhookCall) => boolean>();
	private stopped = false;

	/**
	 * Calls matching `rule` are recorded but never sent, as a call lost on the way (the server does
	 * not retry). Returns a function that removes the rule.
	 */
	dropWhen(rule: (call: WebhookCall) => boolean): () => void {
		this.dropRules.add(rule);
		return () => this.dropRules.delete(rule);
	}

	send(webhookUrl: string, webhookHeaders: unknown, notice: ProgressNotice): void {
		if (this.stopped) return;
		const previous = this.queues.get(notice.taskId) ?? Promise.resolve();
		const next = previous.then(() => this.deliver(webhookUrl, webhookHeaders, notice));
		this.queues.set(notice.taskId, next);
		void next.finally(() => {
			if (this.queues.get(notice.taskId) === next) this.queues.delete(notice.taskId);
		});
	}

	/** Resolves when every queued call has been answered or has failed. */
	async settled(): Promise<void> {
		while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
	}

	stop(): void {
		this.stopped = true;
		for (const request of this.pending) request.destroy();
		this.pending.clear();
	}

	private deliver(
		webhookUrl: string,
		webhookHeaders: unknown,
		notice: ProgressNotice,
	): Promise<void> {
		const body = {
			task_id: notice.taskId,
			progress: notice.progress,
			execution_time: notice.executionTime,
			error: notice.error,
		};
		const payload = Buffer.from(toPythonJson(body));
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (webhookHeaders && typeof webhookHeaders === 'object' && !Array.isArray(webhookHeaders)) {
			for (const [name, value] of Object.entries(webhookHeaders as Record<string, unknown>)) {
				headers[name.toLowerCase()] = String(value);
			}
		}
		const delivery: WebhookDelivery = {
			taskId: notice.taskId,
			url: webhookUrl,
			headers,
			body,
			sentAt: Date.now(),
			status: null,
			failure: null,
		};
		this.deliveries.push(delivery);
		if (this.stopped) {
			delivery.failure = 'emulator stopped';
			return Promise.resolve();
		}
		const call: WebhookCall = {
			taskId: notice.taskId,
			progress: notice.progress,
			error: notice.error,
			url: webhookUrl,
		};
		if ([...this.dropRules].some((rule) => rule(call))) {
			delivery.failure = DROPPED;
			return Promise.resolve();
		}
		return new Promise<void>((resolve) => {
			let target: URL;
			try {
				target = taskProgressUrl(webhookUrl);
			} catch (error) {
				delivery.failure = `invalid webhook_url: ${(error as Error).message}`;
				resolve();
				return;
			}
			const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
			const request = send(
				target,
				{
					method: 'POST',
					headers: { ...headers, 'content-length': String(payload.length) },
					agent: false,
				},
				(response) => {
					delivery.status = response.statusCode ?? null;
					response.resume();
					response.on('end', finish);
					response.on('error', finish);
				},
			);
			this.pending.add(request);
			function finish(): void {
				resolve();
			}
			request.setTimeout(WEBHOOK_TIMEOUT_MS, () => {
				delivery.failure = `timed out after ${WEBHOOK_TIMEOUT_MS} ms`;
				request.destroy();
			});
			request.on('error', (error) => {
				delivery.failure ??= error.message;
				resolve();
			});
			request.on('close', () => {
				this.pending.delete(request);
				resolve();
			});
			request.end(payload);
		});
	}
}
