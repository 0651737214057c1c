/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * End to end: Wait Mode "On Webhook" in a real n8n (`n8n start`, the package linked in) against the
 * emulator, whose workers call the task's webhook URL as the real server does (httpx's join, no
 * retry). The workflows start from a Webhook trigger, as production workflows do.
 *
 * examples/webhook-wait.json (its Manual Trigger swapped for a Webhook trigger, the prompt and
 * options taken from the request) and a two-node variant (Create with Webhook URL
 * {{ $execution.resumeUrl }}, then Wait for Completion) show that an execution:
 * waits without a single progress request, resumes on the final call, outputs the files, comes
 * out of the error output for a failed task, survives a lost final call (through the other task's
 * call, or the check at the Timeout when every call is lost), ignores calls for other tasks, and
 * refuses a task that reports elsewhere. (test/e2e/webhook-outage.test.ts has the Timeout's items,
 * test/e2e/n8n-restart.test.ts every call lost while n8n is down.)
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { VisionatrixEmulator } from '../emulator/types';
import { taskProgressUrl } from '../emulator/webhook';
import {
	loadExample,
	NODE_TYPE,
	prepareWorkflow,
	type N8nServer,
	type WorkflowExport,
	type WorkflowNode,
} from '../n8n';
import type { N8nRestClient } from '../n8n/rest';
import { startN8nSession, type N8nSession } from '../n8n/session';
import {
	finalDelivery as finalCall,
	nodeItems as output,
	progressReads as reads,
	reportTimings,
	startByWebhook,
	tasksOfExecution,
	untilWaiting,
	webhookWaitExample,
	webhookTrigger,
} from './webhook-workflows';

const TASK_MS = 3000;
const OWNER = { email: 'e2e@visionatrix.local', password: 'Vix-e2e-2026' };
const GENERATE = 'Generate Image';
const SAVE = 'Save Image';
const FAILED = 'Task Failed';
const WAIT = 'Wait for Task';

/** The example with a Webhook trigger: the request body gives prompt, count and the wait options. */
function exampleWorkflow(
	credential: { id: string; name: string },
	outputDir: string,
): WorkflowExport {
	return webhookWaitExample({
		credential,
		outputDir,
		name: 'e2e: webhook wait (example)',
		path: 'vix-webhook-wait',
		generate: GENERATE,
		inputs: { prompt: '={{ $json.body.prompt }}', count: '={{ $json.body.count ?? 1 }}' },
		options: {
			timeout: '={{ $json.body.timeout ?? 60 }}',
			fallbackInterval: '={{ $json.body.fallback ?? 300 }}',
		},
	});
}

/** Create Task (no wait) with Webhook URL = the resume URL, then Wait for Completion on the webhook. */
function waitOperationWorkflow(credential: { id: string; name: string }): WorkflowExport {
	const example = loadExample('webhook-wait.json');
	const create = JSON.parse(
		JSON.stringify(example.nodes.find((node) => node.name === GENERATE)),
	) as WorkflowNode;
	create.name = 'Create Task';
	create.id = randomUUID();
	delete create.onError;
	create.position = [224, 0];
	(create.parameters.flowInputs as { value: Record<string, unknown> }).value = {
		prompt: '={{ $json.body.prompt }}',
	};
	// The user's part: the task reports to this execution (or, for the test of a refusal, elsewhere).
	create.parameters.output = 'taskIds';
	create.parameters.options = {
		webhookUrl: '={{ $json.body.webhook_url || $execution.resumeUrl }}',
	};
	const wait: WorkflowNode = {
		id: randomUUID(),
		name: WAIT,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [448, 0],
		parameters: {
			resource: 'task',
			operation: 'waitForCompletion',
			taskId: '={{ $json.task_id }}',
			options: { waitMode: 'webhook', timeout: 60, fallbackInterval: 0 },
		},
	};
	const trigger = webhookTrigger('vix-wait-operation', [0, 0]);
	return prepareWorkflow(
		{
			name: 'e2e: create, then wait for completion on the webhook',
			nodes: [trigger, create, wait],
			connections: {
				[trigger.name]: { main: [[{ node: create.name, type: 'main', index: 0 }]] },
				[create.name]: { main: [[{ node: WAIT, type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
		{ credential },
	);
}

describe('Wait Mode "On Webhook" in a real n8n', () => {
	let session: N8nSession | undefined;
	let emulator: VisionatrixEmulator;
	let server: N8nServer;
	let n8n: N8nRestClient;
	let outDir: string;
	// Tests run in order and share the instance; the n8n log is printed if any of them failed.
	let passed = 0;
	const TESTS = 7;
	const timings: Record<string, unknown> = {};

	const start = async (path: string, body: Record<string, unknown>) =>
		await startByWebhook(server.url, path, body);
	const waiting = async (id: string) => await untilWaiting(n8n, id);
	const tasksOf = (executionId: string) => tasksOfExecution(emulator, executionId);
	const finalDelivery = async (taskId: number) => await finalCall(emulator, taskId);
	const progressReads = (from: number, to = Infinity) => reads(emulator, from, to);

	beforeAll(async () => {
		session = await startN8nSession({
			// A server that has run for months: every summary of this user's tasks is large.
			emulator: { taskDurationMs: TASK_MS, workers: 2, history: { tasks: 2000, user: 'admin' } },
			owner: OWNER,
			workflows: (credential, out) => [
				exampleWorkflow(credential, out),
				waitOperationWorkflow(credential),
			],
		});
		({ emulator, outDir } = session);
		({ server, n8n } = await session.start());
	}, 180_000);

	afterAll(async () => {
		await session?.stop({ failed: passed < TESTS });
		reportTimings('webhook-wait', timings);
	});

	// Started first and checked last: every call of its task is lost and Fallback Check is 0, so
	// only the check at the Timeout (a stored Wait, 70 s at the least) ends the wait.
	let silentExecution: string;
	const silenced = new Set<string>();
	test('an execution whose calls never arrive is put to wait (its end is checked last)', async () => {
		emulator.dropWebhookCalls((call) =>
			[...silenced].some((id) => call.url.includes(`/webhook-waiting/${id}?`)),
		);
		silentExecution = await start('vix-webhook-wait', {
			prompt: 'nobody hears',
			timeout: 2,
			fallback: 0,
		});
		silenced.add(silentExecution);
		expect((await waiting(silentExecution)).status).toBe('waiting');
		passed++;
	});

	test('waits with no progress request while the task runs, resumes on the final call and outputs the file', async () => {
		const triggeredAt = Date.now();
		const id = await start('vix-webhook-wait', { prompt: 'a lighthouse at dusk' });
		const waitingExecution = await waiting(id);
		expect(waitingExecution.status).toBe('waiting');
		const [task] = tasksOf(id);
		expect(task).toBeDefined();
		expect(task.state).not.toBe('completed');

		// While it waits: a call for another task and a non-final call are answered and ignored.
		const target = taskProgressUrl(task.webhookUrl!).href;
		const post = async (body: unknown) => {
			const response = await fetch(target, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			return { status: response.status, body: (await response.json()) as Record<string, unknown> };
		};
		expect(
			await post({ task_id: 987654, progress: 100.0, execution_time: 1.0, error: '' }),
		).toEqual({
			status: 200,
			body: { status: 'ignored', reason: 'task 987654 is not one this execution waits for' },
		});
		expect(
			(await post({ task_id: task.id, progress: 42.0, execution_time: 1.0, error: '' })).body
				.status,
		).toBe('ignored');
		const wrongToken = await fetch(target.replace(/signature=[^/]+/, 'signature=not-the-token'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		expect(wrongToken.status).toBe(401);
		expect((await n8n.execution(id)).status).toBe('waiting');

		const final = await finalDelivery(task.id);
		const done = await n8n.waitForEnd(id);
		expect(done.status).toBe('success');
		expect(final.status).toBe(200);

		// One look at the task when the wait began, none while it ran, one after the final call.
		const create = emulator.requests.find(
			(r) =>
				r.method === 'PUT' &&
				r.path === '/vapi/tasks/create/sdxl_lighting' &&
				r.receivedAt >= triggeredAt,
		)!;
		expect(progressReads(create.receivedAt, final.sentAt)).toHaveLength(1);
		const afterFinal = progressReads(final.sentAt);
		expect(afterFinal).toHaveLength(1);
		// Each look reads the task itself, never a summary of the 2,000 tasks before it.
		expect(progressReads(create.receivedAt).map((r) => r.path)).toEqual([
			`/vapi/tasks/progress/${task.id}`,
			`/vapi/tasks/progress/${task.id}`,
		]);
		const ignoredCalls = emulator.webhookDeliveries.filter(
			(d) => d.taskId === task.id && d.body.progress < 100,
		);
		expect(ignoredCalls.length).toBeGreaterThan(0);

		// The file, byte for byte, through n8n's binary data and Write Files to Disk.
		const items = output(done, GENERATE);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			task_id: task.id,
			flow: 'sdxl_lighting',
			node_id: 9,
			batch_index: 0,
			mime_type: 'image/png',
		});
		const written = readFileSync(join(outDir, `webhook-wait-${task.id}-0.png`));
		expect(written.equals(emulator.task(task.id)!.results[0].data)).toBe(true);
		expect(output(done, SAVE)).toHaveLength(1);

		const resumedRun = done.data!.resultData.runData[GENERATE][0];
		timings.resume = {
			finalCallToStateRead_ms: afterFinal[0].receivedAt - final.sentAt,
			finalCallToResumedNodeStart_ms: (resumedRun.startTime ?? 0) - final.sentAt,
			finalCallToExecutionEnd_ms: Date.parse(done.stoppedAt!) - final.sentAt,
			taskDuration_ms: TASK_MS,
		};
		// A sanity bound only; the figure is reported.
		expect(Date.parse(done.stoppedAt!) - final.sentAt).toBeLessThan(5000);
		passed++;
	});

	test('a task that fails resumes the execution with the error, out of the error output', async () => {
		emulator.failNextTasks(1, 'Fake worker: CUDA out of memory');
		const id = await start('vix-webhook-wait', { prompt: 'too big' });
		expect((await waiting(id)).status).toBe('waiting');
		const done = await n8n.waitForEnd(id);
		expect(done.status).toBe('success');
		const [task] = tasksOf(id);
		expect((await finalDelivery(task.id)).body.error).toBe('Fake worker: CUDA out of memory');
		expect(output(done, GENERATE, 0)).toHaveLength(0);
		const errors = output(done, GENERATE, 1);
		expect(errors).toHaveLength(1);
		expect(String(errors[0].json.error)).toContain(
			`Task ${task.id} failed on the Visionatrix server: Fake worker: CUDA out of memory`,
		);
		expect(output(done, FAILED)).toHaveLength(1);
		expect(done.data!.resultData.runData[SAVE]).toBeUndefined();
		passed++;
	});

	test("a lost final call of one task is made up for by the other task's final call", async () => {
		let dropped: number | undefined;
		const stop = emulator.dropWebhookCalls((call) => {
			if (dropped !== undefined || call.progress < 100 || !call.url.includes('/webhook-waiting/'))
				return false;
			dropped = call.taskId;
			return true;
		});
		try {
			// Fallback checks off: only the second task's call can end the wait.
			const id = await start('vix-webhook-wait', { prompt: 'two of them', count: 2, fallback: 0 });
			expect((await waiting(id)).status).toBe('waiting');
			const done = await n8n.waitForEnd(id);
			expect(done.status).toBe('success');
			const tasks = tasksOf(id);
			expect(tasks).toHaveLength(2);
			expect(tasks.map((t) => t.id)).toContain(dropped);
			expect(
				emulator.webhookDeliveries.find((d) => d.taskId === dropped && d.body.progress >= 100)
					?.failure,
			).toMatch(/dropped/);
			expect(output(done, GENERATE).map((item) => item.json.task_id)).toEqual(
				tasks.map((t) => t.id),
			);
			expect(output(done, SAVE)).toHaveLength(2);
			passed++;
		} finally {
			stop();
		}
	});

	test('Wait for Completion on the webhook, for a task created with Webhook URL {{ $execution.resumeUrl }}', async () => {
		const id = await start('vix-wait-operation', { prompt: 'two nodes' });
		expect((await waiting(id)).status).toBe('waiting');
		const done = await n8n.waitForEnd(id);
		expect(done.status).toBe('success');
		const [task] = tasksOf(id);
		expect(output(done, WAIT)).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({ task_id: task.id, status: 'completed', progress: 100 }),
			}),
		]);
		passed++;
	});

	test('Wait for Completion refuses a task that reports its progress elsewhere, with a clear error', async () => {
		const id = await start('vix-wait-operation', {
			prompt: 'elsewhere',
			webhook_url: 'http://127.0.0.1:9/hooks/other',
		});
		const done = await n8n.waitForEnd(id);
		expect(done.status).toBe('error');
		const error = done.data!.resultData.runData[WAIT][0].error!;
		expect(error.message).toMatch(
			/^Task \d+ does not report its progress to this execution, so it cannot wake it/,
		);
		expect(error.description).toContain("Its webhook URL is 'http://127.0.0.1:9/hooks/other'");
		passed++;
	});

	test('with every call lost and Fallback Check 0, the check at the Timeout finds the task done and the file comes out', async () => {
		const done = await n8n.waitForEnd(silentExecution, 150_000);
		expect(done.status).toBe('success');
		const [task] = tasksOf(silentExecution);
		const calls = emulator.webhookDeliveries.filter((d) => d.taskId === task.id);
		expect(calls.length).toBeGreaterThan(0);
		expect(calls.every((d) => /dropped/.test(d.failure ?? ''))).toBe(true);
		expect(output(done, GENERATE)[0].json).toMatchObject({
			task_id: task.id,
			mime_type: 'image/png',
		});
		expect(output(done, GENERATE, 1)).toEqual([]);
		expect(output(done, SAVE)).toHaveLength(1);
		// Not before the first stored check, 70 s after the wait began.
		timings.checkAtTimeout = {
			timeout_s: 2,
			triggerToEnd_ms: Date.parse(done.stoppedAt!) - Date.parse(done.startedAt),
		};
		expect(Date.parse(done.stoppedAt!) - Date.parse(done.startedAt)).toBeGreaterThanOrEqual(70_000);
		passed++;
	}, 180_000);
});
