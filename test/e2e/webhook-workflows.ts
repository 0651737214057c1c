/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * The example workflows, started by a Webhook trigger instead of their Manual Trigger (as
 * production workflows are, and as a running n8n in queue mode hands them to its workers), and the
 * small pieces the tests of a running n8n share.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { VisionatrixEmulator, WebhookDelivery } from '../emulator/types';
import {
	loadExample,
	prepareWorkflow,
	repoRoot,
	type WorkflowExport,
	type WorkflowNode,
} from '../n8n';
import { callWebhookTrigger, type N8nExecution, type N8nRestClient } from '../n8n/rest';

export const TRIGGER = 'Start';

/** A Webhook trigger (POST /webhook/<path>) that answers at once with the execution's id. */
export function webhookTrigger(path: string, position: [number, number]): WorkflowNode {
	return {
		id: randomUUID(),
		webhookId: randomUUID(),
		name: TRIGGER,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			options: { responseData: '={{ $execution.id }}' },
		},
	};
}

/** The workflow with its Manual Trigger replaced by a Webhook trigger listening on `path`. */
export function withWebhookTrigger(workflow: WorkflowExport, path: string): WorkflowExport {
	const manual = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	if (!manual) throw new Error(`workflow "${workflow.name}" has no Manual Trigger`);
	const trigger = webhookTrigger(path, manual.position);
	const { [manual.name]: fromManual, ...others } = workflow.connections;
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => (node === manual ? trigger : node)),
		connections: { [trigger.name]: fromManual, ...others },
	};
}

/**
 * The webhook-wait example started by a Webhook trigger on `path`, its Create Task (`generate`)
 * given these flow inputs and these options over the example's own.
 */
export function webhookWaitExample(settings: {
	credential: { id: string; name: string };
	outputDir: string;
	name: string;
	path: string;
	generate: string;
	inputs: Record<string, unknown>;
	options: Record<string, unknown>;
}): WorkflowExport {
	const { credential, outputDir, name } = settings;
	const workflow = withWebhookTrigger(
		prepareWorkflow(loadExample('webhook-wait.json'), { credential, outputDir, name }),
		settings.path,
	);
	const generate = workflow.nodes.find((node) => node.name === settings.generate)!;
	(generate.parameters.flowInputs as { value: Record<string, unknown> }).value = settings.inputs;
	generate.parameters.options = { ...(generate.parameters.options as object), ...settings.options };
	return workflow;
}

/**
 * The webhook-wait example making `count` images a run in the given Wait Mode, on `path`; the
 * request body gives the prompt, the Timeout and the Fallback Check (default 0).
 */
export function imagesExample(settings: {
	credential: { id: string; name: string };
	outputDir: string;
	name: string;
	path: string;
	waitMode: 'webhook' | 'poll';
	count: number;
}): WorkflowExport {
	return webhookWaitExample({
		...settings,
		generate: 'Generate Image',
		inputs: { prompt: '={{ $json.body.prompt }}', count: settings.count },
		options: {
			waitMode: settings.waitMode,
			timeout: '={{ $json.body.timeout }}',
			fallbackInterval: '={{ $json.body.fallback ?? 0 }}',
		},
	});
}

/** Resolves once the emulator holds `count` tasks with this prompt (the tasks of one run). */
export async function untilTasksWithPrompt(
	emulator: VisionatrixEmulator,
	prompt: string,
	count: number,
	timeoutMs = 30_000,
) {
	const mine = () => emulator.tasks.filter((task) => task.inputParams.prompt === prompt);
	for (const until = Date.now() + timeoutMs; mine().length < count; ) {
		if (Date.now() > until) throw new Error(`no ${count} tasks with prompt "${prompt}" in time`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return mine();
}

/** The line n8n's log gets when Create has made an item's tasks. */
export function createdTasksLine(
	node: string,
	execution: string,
	taskIds: number[],
	flow = 'sdxl_lighting',
) {
	const ids = taskIds.join(', ');
	return `Visionatrix node "${node}" (execution ${execution}, item 0) created task(s) ${ids} of flow '${flow}'. Should n8n stop before this execution ends, get their files with Get Results (task IDs ${ids}): retrying the execution creates them again`;
}

/** Starts a published workflow through its Webhook trigger; returns the execution id it answered with. */
export async function startByWebhook(
	baseUrl: string,
	path: string,
	body: Record<string, unknown>,
): Promise<string> {
	// n8n activates published workflows just after it reports ready: until then their webhooks are 404.
	const deadline = Date.now() + 30_000;
	let answer = await callWebhookTrigger(baseUrl, path, body);
	while (answer.status === 404 && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		answer = await callWebhookTrigger(baseUrl, path, body);
	}
	const id = answer.text.trim();
	if (answer.status !== 200 || !/^\d+$/.test(id))
		throw new Error(`POST /webhook/${path} answered ${answer.status}: ${answer.text}`);
	return id;
}

/** Resolves once the execution waits (or has ended, whichever comes first). */
export async function untilWaiting(
	n8n: N8nRestClient,
	id: string,
	timeoutMs = 60_000,
): Promise<N8nExecution> {
	return await n8n.waitForExecution(id, (e) => !['new', 'running'].includes(e.status), {
		what: 'waiting',
		timeoutMs,
	});
}

/** The tasks an execution created with its resume URL as webhook URL. */
export function tasksOfExecution(emulator: VisionatrixEmulator, executionId: string) {
	return emulator.tasks.filter((task) =>
		(task.webhookUrl ?? '').includes(`/webhook-waiting/${executionId}?`),
	);
}

/** The final webhook call of a task (100 or an error), once it was answered, failed or dropped. */
export async function finalDelivery(
	emulator: VisionatrixEmulator,
	taskId: number,
	timeoutMs = 60_000,
): Promise<WebhookDelivery> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const delivery = emulator.webhookDeliveries.find(
			(d) =>
				d.taskId === taskId &&
				(d.body.progress >= 100 || d.body.error !== '') &&
				(d.status !== null || d.failure !== null),
		);
		if (delivery) return delivery;
		if (Date.now() > deadline) throw new Error(`no final webhook call for task ${taskId}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** GETs of task progress (one task or the summary) the emulator got in [from, to). */
export function progressReads(emulator: VisionatrixEmulator, from: number, to = Infinity) {
	return emulator.requests.filter(
		(r) =>
			r.method === 'GET' &&
			/^\/v?api\/tasks\/progress/.test(r.path) &&
			r.receivedAt >= from &&
			r.receivedAt < to,
	);
}

/** A node's output items (first run) on one of its outputs. */
export function nodeItems(execution: N8nExecution, node: string, output = 0) {
	return execution.data?.resultData.runData[node]?.[0]?.data?.main?.[output] ?? [];
}

/** Figures a suite measured, printed and written to .cache/<name>-timings.json (nothing when there are none). */
export function reportTimings(name: string, timings: Record<string, unknown>): void {
	if (!Object.keys(timings).length) return;
	mkdirSync(join(repoRoot(), '.cache'), { recursive: true });
	writeFileSync(
		join(repoRoot(), '.cache', `${name}-timings.json`),
		`${JSON.stringify(timings, null, 2)}\n`,
	);
	process.stdout.write(`${name.replace('-', ' ')} timings: ${JSON.stringify(timings)}\n`);
}
