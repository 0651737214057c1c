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

/** The base URL taken as a folder, with `task-progress` added as the last path segment. */
export function taskProgressUrl(webhookUrl: string): URL {
	const url = new URL(webhookUrl);
	url.pathname = `${url.pathname.replace(/\/*$/, '')}/task-progress`;
	return url;
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
	private stopped = false;

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

	private deliver(webhookUrl: string, webhookHeaders: unknown, notice: ProgressNotice): Promise<void> {
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
				{ method: 'POST', headers: { ...headers, 'content-length': String(payload.length) }, agent: false },
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
