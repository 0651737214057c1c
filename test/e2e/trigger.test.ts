/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * End to end: examples/task-finished-trigger.json (Download Results on) published in a real n8n
 * (`n8n start`, the package linked in, binary data in `filesystem` mode as n8n 2.x stores it),
 * against the emulator. Tasks are created as the Visionatrix web UI creates them. n8n polls when it
 * activates the workflow and then once a minute (its shortest interval), so this suite takes a few
 * minutes of mostly waiting.
 *
 * - a task that finished before publishing starts nothing;
 * - a task that completes while n8n runs starts the workflow once, which saves its PNG; the file
 *   n8n keeps of it is its execution's;
 * - after a restart, the task already emitted is not replayed, and one that completed while n8n was
 *   down starts the workflow once;
 * - unpublished and published again, the workflow runs once for the task that completed meanwhile;
 * - deleting the executions (n8n's REST API, as the editor does) leaves no file on disk, nor does
 *   n8n's pruning.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

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
/** A poll's reads come within a moment; polls are a minute apart. */
const POLL_GAP_MS = 10_000;
/** n8n prunes every execution as soon as it can: soft delete every minute, hard delete a minute later. */
const PRUNE_AT_ONCE = {
	EXECUTIONS_DATA_PRUNE: 'true',
	EXECUTIONS_DATA_MAX_AGE: '0',
	EXECUTIONS_DATA_HARD_DELETE_BUFFER: '0',
	EXECUTIONS_DATA_PRUNE_SOFT_DELETE_INTERVAL: '1',
	EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL: '1',
};

describe('examples/task-finished-trigger.json published in a real n8n', () => {
	let session: N8nSession | undefined;
	let emulator: VisionatrixEmulator;
	let server: N8nServer;
	let n8n: N8nRestClient;
	let webUi: VisionatrixTestClient;
	let workflowId: string;
	let outDir: string;
	let failed = false;

	/** Every file in n8n's binary data folder (`~/.n8n/storage` in 2.41), relative to it. */
	const storedFiles = (): string[] => {
		const root = join(session!.instance.userFolder, '.n8n', 'storage');
		if (!existsSync(root)) return [];
		return readdirSync(root, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => relative(root, join(entry.parentPath, entry.name)));
	};

	/** The polls the trigger has made: its reads of task states come in bursts, a minute apart. */
	const polls = (): number => {
		const reads = emulator.requests.filter(
			(r) => r.method === 'GET' && r.path.startsWith('/vapi/tasks/progress'),
		);
		return reads.filter((r, i) => i === 0 || r.receivedAt - reads[i - 1].receivedAt > POLL_GAP_MS)
			.length;
	};

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

	/** Resolves once the trigger has polled more than `count` times (and that poll is over). */
	const pollAfter = async (count: number) => {
		const seen = await until(`a poll after poll ${count}`, () =>
			polls() > count ? polls() : undefined,
		);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		return seen;
	};

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

	async function startN8n(env?: Record<string, string>): Promise<void> {
		({ server, n8n } = await session!.start(env));
	}

	/** Runs a step of the suite; a failure keeps n8n's user folder and prints its log. */
	const step = (name: string, body: () => Promise<void>) =>
		it(
			name,
			async () => {
				try {
					await body();
				} catch (error) {
					failed = true;
					throw error;
				}
			},
			300_000,
		);

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
	}, 300_000);

	afterAll(async () => await session?.stop({ failed }));

	let emitted: number;

	step(
		'starts nothing for a task that finished before, and runs once for a task that completes later, saving its image; the file n8n keeps is its execution’s',
		async () => {
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
			// The PNG and its metadata, under the execution: none under executions/temp.
			const files = storedFiles();
			expect(files).toHaveLength(2);
			for (const file of files)
				expect(file).toMatch(
					new RegExp(`^workflows/${workflowId}/executions/${execution.id}/binary_data/`),
				);
		},
	);

	step(
		'after a restart, replays nothing it emitted and runs once for a task that completed while n8n was down',
		async () => {
			await server.stop();
			const whileDown = await completedTask('while n8n was down');
			const pollsBefore = polls();
			await startN8n();
			const atActivation = await pollAfter(pollsBefore);
			// One more scheduled poll after the restart: still nothing replayed.
			await pollAfter(atActivation);

			const executions = await finishedExecutions(2);
			expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
			expect(executions.map(triggerTasks)).toEqual([[emitted], [whileDown]]);
			expect(await n8n.executions(workflowId)).toHaveLength(2);
		},
	);

	step(
		'unpublished and published again, runs once for the task that completed meanwhile',
		async () => {
			await n8n.unpublish(workflowId);
			const meanwhile = await completedTask('while the workflow was unpublished');
			const pollsBefore = polls();
			await n8n.publish(workflowId);
			// The poll at publishing catches up; the next one replays nothing.
			const atPublishing = await pollAfter(pollsBefore);
			await pollAfter(atPublishing);

			const executions = await finishedExecutions(3);
			expect(executions.map(triggerTasks).at(-1)).toEqual([meanwhile]);
			expect(await n8n.executions(workflowId)).toHaveLength(3);
		},
	);

	step('deleting the executions leaves no file of the trigger on disk', async () => {
		expect(storedFiles()).toHaveLength(6);
		const executions = await n8n.executions(workflowId);
		await n8n.deleteExecutions(executions.map((e) => e.id));

		expect(await n8n.executions(workflowId)).toEqual([]);
		expect(await until('no stored file', () => (storedFiles().length ? undefined : true))).toBe(
			true,
		);
	});

	step('n8n’s pruning leaves no file of the trigger on disk either', async () => {
		await server.stop();
		await startN8n(PRUNE_AT_ONCE);
		const task = await completedTask('pruned soon after');
		let filesSeen = 0;
		await until('its execution to save the image', () => {
			filesSeen = Math.max(filesSeen, storedFiles().length);
			return existsSync(join(outDir, `${task}_9_00001.png`)) ? true : undefined;
		});
		expect(filesSeen).toBe(2);

		await until(
			'every execution pruned',
			async () => ((await n8n.executions(workflowId)).length === 0 ? true : undefined),
			240_000,
		);
		expect(await until('no stored file', () => (storedFiles().length ? undefined : true))).toBe(
			true,
		);
	});
});
