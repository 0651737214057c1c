/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * End to end: examples/task-finished-trigger.json published in a real n8n (`n8n start`, the package
 * linked in), against the emulator. Tasks are created as the Visionatrix web UI creates them. n8n
 * polls when it activates the workflow and then once a minute (its shortest interval), so this
 * suite takes a few minutes of mostly waiting.
 *
 * - a task that finished before publishing starts nothing;
 * - a task that completes while n8n runs starts the workflow once, which saves its PNG;
 * - after a restart, the task already emitted is not replayed, and one that completed while n8n was
 *   down starts the workflow once.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { VisionatrixTestClient } from '../contract/client';
import { readPngHeader } from '../emulator';
import type { VisionatrixEmulator } from '../emulator/types';
import { loadExample, prepareWorkflow, type N8nServer } from '../n8n';
import type { N8nExecution, N8nRestClient } from '../n8n/rest';
import { startN8nSession, type N8nSession } from '../n8n/session';

const OWNER = { email: 'e2e@visionatrix.local', password: 'Vix-e2e-2026' };
const TRIGGER = 'When a Task Completes';
/** n8n's shortest poll interval is a minute; allow for a slow, shared machine. */
const POLL_WAIT_MS = 150_000;

describe('examples/task-finished-trigger.json published in a real n8n', () => {
	let session: N8nSession | undefined;
	let emulator: VisionatrixEmulator;
	let server: N8nServer;
	let n8n: N8nRestClient;
	let webUi: VisionatrixTestClient;
	let workflowId: string;
	let outDir: string;
	let failed = false;

	const summaryReads = () =>
		emulator.requests.filter((r) => r.path === '/vapi/tasks/progress-summary').length;

	async function until<T>(
		what: string,
		check: () => Promise<T | undefined> | T | undefined,
		timeoutMs = POLL_WAIT_MS,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await check();
			if (value !== undefined) return value;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	/** Resolves once the trigger has read the summary more than `count` times. */
	const pollAfter = async (count: number) =>
		await until(`a poll after read ${count}`, () =>
			summaryReads() > count ? summaryReads() : undefined,
		);

	async function finishedExecutions(count: number): Promise<N8nExecution[]> {
		const executions = await until(`${count} execution(s)`, async () => {
			const all = await n8n.executions(workflowId);
			return all.length >= count &&
				all.every((e) => !['new', 'running', 'waiting'].includes(e.status))
				? all
				: undefined;
		});
		return await Promise.all(executions.reverse().map(async (e) => await n8n.execution(e.id)));
	}

	const triggerTasks = (execution: N8nExecution) =>
		execution.data!.resultData.runData[TRIGGER][0].data!.main![0]!.map((item) => item.json.task_id);

	async function completedTask(prompt: string): Promise<number> {
		const response = await webUi.createTask('sdxl_lighting', [['prompt', prompt]]);
		const [taskId] = response.json().tasks_ids as number[];
		await emulator.waitForTask(taskId);
		return taskId;
	}

	async function startN8n(): Promise<void> {
		({ server, n8n } = await session!.start());
	}

	beforeAll(async () => {
		session = await startN8nSession({
			emulator: { taskDurationMs: 200, workers: 1 },
			owner: OWNER,
			workflows: (credential, out) => [
				prepareWorkflow(loadExample('task-finished-trigger.json'), { credential, outputDir: out }),
			],
		});
		({ emulator, outDir } = session);
		[workflowId] = session.workflowIds;
		webUi = new VisionatrixTestClient(emulator.url, emulator.prefix, {
			username: 'admin',
			password: 'admin',
		});
	}, 120_000);

	afterAll(async () => await session?.stop({ failed }));

	let emitted: number;

	it('starts nothing for a task that finished before, and runs once for a task that completes later, saving its image', async () => {
		try {
			const before = await completedTask('finished before publishing');
			await startN8n();
			// The poll n8n makes when it activates the workflow takes note of what is there.
			const atActivation = await pollAfter(0);
			emitted = await completedTask('a lighthouse at dusk');
			await pollAfter(atActivation);

			const [execution] = await finishedExecutions(1);
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('trigger');
			expect(triggerTasks(execution)).toEqual([emitted]);
			expect(emitted).toBeGreaterThan(before);
			const saved = join(outDir, `${emitted}_9_00001.png`);
			expect(readPngHeader(readFileSync(saved))).toMatchObject({ width: 64, height: 64 });
			expect(existsSync(join(outDir, `${before}_9_00001.png`))).toBe(false);
		} catch (error) {
			failed = true;
			throw error;
		}
	}, 300_000);

	it('after a restart, replays nothing it emitted and runs once for a task that completed while n8n was down', async () => {
		try {
			await server.stop();
			const whileDown = await completedTask('while n8n was down');
			const readsBefore = summaryReads();
			await startN8n();
			const atActivation = await pollAfter(readsBefore);
			// One more scheduled poll after the restart: still nothing replayed.
			await pollAfter(atActivation);

			const executions = await finishedExecutions(2);
			expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
			expect(executions.map(triggerTasks)).toEqual([[emitted], [whileDown]]);
			expect(await n8n.executions(workflowId)).toHaveLength(2);
		} catch (error) {
			failed = true;
			throw error;
		}
	}, 300_000);
});
