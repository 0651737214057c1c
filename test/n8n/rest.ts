/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * A running n8n from the outside, for tests that need `n8n start` (waits, resumes, queue mode):
 * publish a workflow so its Webhook trigger listens, sign in as the owner that `ownerEnv` made, and
 * read executions through n8n's own REST API (what the editor uses).
 */
import { join } from 'node:path';

import { runN8nCli } from './cli';
import type { N8nInstallation } from './install';
import type { N8nInstance } from './instance';
import type { N8nNodeRun } from './run-data';
import type { OwnerAccount } from './server';

/**
 * `n8n publish:workflow`: the workflow's triggers (a Webhook trigger's production URL) are active
 * when n8n next starts. Run it before `n8n start`; a running n8n does not pick it up.
 */
export async function publishWorkflow(instance: N8nInstance, workflowId: string): Promise<void> {
	await runN8nCli(instance, ['publish:workflow', `--id=${workflowId}`]);
}

/** An execution as n8n's REST API returns it, its data unflattened. */
export interface N8nExecution {
	id: string;
	status: 'new' | 'running' | 'waiting' | 'success' | 'error' | 'canceled' | 'crashed' | 'unknown';
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt?: string | null;
	waitTill?: string | null;
	workflowId?: string;
	data?: {
		resultData: {
			runData: Record<string, N8nNodeRun[]>;
			lastNodeExecuted?: string;
			error?: { message?: string; [k: string]: unknown };
		};
		executionData?: {
			nodeExecutionStack?: Array<{ node: { name: string }; data: { main: unknown[] } }>;
		};
		[k: string]: unknown;
	};
}

export class N8nRestClient {
	private cookie = '';
	private readonly flatted: { parse(text: string): unknown };

	constructor(
		readonly url: string,
		installation: N8nInstallation,
	) {
		// n8n sends execution data in the `flatted` format; parse it with the copy n8n ships.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		this.flatted = require(join(installation.dir, 'node_modules', 'flatted')) as {
			parse(text: string): unknown;
		};
	}

	/** Signs in (POST /rest/login) and keeps the session cookie. */
	async login(owner: OwnerAccount): Promise<void> {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!response.ok)
			throw new Error(`n8n login failed: ${response.status} ${await response.text()}`);
		const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
		this.cookie = cookies.join('; ');
		if (!this.cookie) throw new Error('n8n login answered without a session cookie');
	}

	private async get(path: string): Promise<unknown> {
		const response = await fetch(`${this.url}${path}`, {
			headers: { cookie: this.cookie, 'browser-id': 'vix-tests' },
		});
		if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: unknown }).data;
	}

	private async post(path: string, body: unknown): Promise<unknown> {
		const response = await fetch(`${this.url}${path}`, {
			method: 'POST',
			headers: {
				cookie: this.cookie,
				'browser-id': 'vix-tests',
				'content-type': 'application/json',
			},
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: unknown }).data;
	}

	/** Publishes the workflow's current version, as the editor's Publish button does. */
	async publish(workflowId: string): Promise<void> {
		const path = `/rest/workflows/${encodeURIComponent(workflowId)}`;
		const { versionId } = (await this.get(path)) as { versionId: string };
		await this.post(`${path}/activate`, { versionId });
	}

	/** Unpublishes the workflow: its triggers stop. */
	async unpublish(workflowId: string): Promise<void> {
		await this.post(`/rest/workflows/${encodeURIComponent(workflowId)}/deactivate`, {});
	}

	/** Deletes executions, their binary data with them, as the editor's Delete does. */
	async deleteExecutions(ids: string[]): Promise<void> {
		await this.post('/rest/executions/delete', { ids });
	}

	/** One execution with its data. */
	async execution(id: string): Promise<N8nExecution> {
		const raw = (await this.get(`/rest/executions/${encodeURIComponent(id)}`)) as N8nExecution & {
			data?: unknown;
		};
		const data =
			typeof raw.data === 'string'
				? (this.flatted.parse(raw.data) as N8nExecution['data'])
				: raw.data;
		return { ...raw, data } as N8nExecution;
	}

	/** The executions of a workflow, newest first, without data. */
	async executions(workflowId: string): Promise<N8nExecution[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = (await this.get(`/rest/executions?filter=${filter}&limit=100`)) as {
			results: N8nExecution[];
		};
		return page.results;
	}

	/** Polls until the execution matches (rejects after `timeoutMs` with its last state). */
	async waitForExecution(
		id: string,
		done: (execution: N8nExecution) => boolean,
		options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
	): Promise<N8nExecution> {
		const deadline = Date.now() + (options.timeoutMs ?? 60_000);
		let last: N8nExecution | undefined;
		for (;;) {
			try {
				last = await this.execution(id);
				if (done(last)) return last;
			} catch (error) {
				// Not readable yet (a queued execution appears a moment after its trigger answered).
				if (Date.now() > deadline) throw error;
			}
			if (Date.now() > deadline) {
				throw new Error(
					`execution ${id} did not become ${options.what ?? 'ready'} in time; last status: ${last?.status ?? 'unknown'}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
		}
	}

	/** Polls until the execution has finished (any end state). */
	async waitForEnd(id: string, timeoutMs = 60_000): Promise<N8nExecution> {
		return await this.waitForExecution(
			id,
			(e) => !['new', 'running', 'waiting'].includes(e.status),
			{ timeoutMs, what: 'finished' },
		);
	}
}

/** POSTs JSON to a Webhook trigger's production URL (`/webhook/<path>`) and returns the parsed answer. */
export async function callWebhookTrigger(
	baseUrl: string,
	path: string,
	body: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
	const response = await fetch(`${baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text };
}
