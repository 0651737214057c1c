/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * End to end: n8n stopped and started again while Create Task waits, in a real n8n (`n8n start`,
 * the package linked in, the same port and WEBHOOK_URL before and after, as a restarted server
 * has) against the emulator. Each round starts two executions of the webhook-wait example (six
 * images each): one in Wait Mode "On Webhook", one in Poll mode. n8n goes down while they wait and
 * stays down until every task has finished, so every final call of the webhook wait is lost.
 *
 * - On Webhook: the execution is in n8n's database, and so are its checks (a stored sub-execution):
 *   after the restart a check reads the tasks and the execution ends with all six files, each task
 *   created once. Fallback Check 0: the check at the Timeout; Fallback Check on: the first check.
 * - Poll: the wait lived in the process; n8n marks the execution crashed. n8n's log (kept by the
 *   process that crashed) names the execution and its six task ids, which finished on the server:
 *   nothing was created again.
 *
 * Round 1 stops n8n with SIGTERM past its shutdown grace (N8N_GRACEFUL_SHUTDOWN_TIMEOUT, 3 s here,
 * 30 s by default), round 2 with SIGKILL.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { VisionatrixEmulator } from '../emulator/types';
import { freePort } from '../n8n/free-port';
import type { N8nRestClient } from '../n8n/rest';
import { startN8nServer, type N8nServer } from '../n8n/server';
import { startN8nSession, type N8nSession } from '../n8n/session';
import {
	createdTasksLine,
	imagesExample,
	nodeItems as output,
	reportTimings,
	startByWebhook,
	tasksOfExecution,
	untilTasksWithPrompt,
	untilWaiting,
} from './webhook-workflows';

const OWNER = { email: 'e2e-restart@visionatrix.local', password: 'Vix-e2e-2026' };
const GENERATE = 'Generate Image';
const SAVE = 'Save Image';
const IMAGES = 6;

/** Stops n8n the hard way: SIGKILL, or SIGTERM with running executions past the shutdown grace. */
async function bringDown(server: N8nServer, signal: 'SIGTERM' | 'SIGKILL'): Promise<number> {
	const started = Date.now();
	const exited = new Promise<void>((done) => server.process.once('exit', () => done()));
	server.process.kill(signal);
	await exited;
	return Date.now() - started;
}

describe('n8n stopped and started again while Create Task waits', () => {
	let session: N8nSession | undefined;
	let emulator: VisionatrixEmulator;
	let server: N8nServer;
	let n8n: N8nRestClient;
	let outDir: string;
	let passed = 0;
	const timings: Record<string, unknown> = {};

	beforeAll(async () => {
		const port = await freePort();
		session = await startN8nSession({
			emulator: { taskDurationMs: 1500, workers: 2 },
			owner: OWNER,
			extraEnv: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '3' },
			workflows: (credential, outputDir) =>
				(['webhook', 'poll'] as const).map((waitMode) =>
					imagesExample({
						credential,
						outputDir,
						name: `e2e: restart during the wait (${waitMode})`,
						path: `vix-restart-${waitMode}`,
						waitMode,
						count: IMAGES,
					}),
				),
			// The same port after a restart: the tasks' webhook URLs and the checks keep pointing at n8n.
			serve: async (instance) => await startN8nServer(instance, { port }),
		});
		({ emulator, outDir } = session);
		({ server, n8n } = await session.start());
	}, 180_000);

	afterAll(async () => {
		await session?.stop({ failed: passed < 2 });
		reportTimings('n8n-restart', timings);
	});

	/** The poll execution's tasks: those whose prompt it sent (they carry no webhook URL). */
	const tasksWithPrompt = (prompt: string) =>
		emulator.tasks.filter((task) => task.inputParams.prompt === prompt);

	/**
	 * Both executions under way: the webhook one waiting, the poll one with its six tasks created.
	 * The server's workers are away until n8n is down: every task finishes while it is.
	 */
	async function startBoth(round: string, body: Record<string, unknown>) {
		emulator.configure({ workers: 0 });
		const webhook = await startByWebhook(server.url, 'vix-restart-webhook', {
			prompt: `${round}: on webhook`,
			...body,
		});
		expect((await untilWaiting(n8n, webhook)).status).toBe('waiting');
		const pollPrompt = `${round}: polled`;
		const poll = await startByWebhook(server.url, 'vix-restart-poll', {
			prompt: pollPrompt,
			timeout: 600,
		});
		await untilTasksWithPrompt(emulator, pollPrompt, IMAGES);
		expect((await n8n.execution(poll)).status).toBe('running');
		return { webhook, poll, pollPrompt };
	}

	/** After the stop: every task finishes while n8n is down, then n8n starts again on the same port. */
	async function downUntilAllDone(webhook: string): Promise<number> {
		emulator.configure({ workers: 2 });
		const tasks = emulator.tasks.filter((task) => task.state !== 'completed');
		await Promise.all(tasks.map(async (task) => await emulator.waitForTask(task.id, 60_000)));
		// Every final call of the webhook wait went nowhere.
		const finals = emulator.webhookDeliveries.filter(
			(d) =>
				tasksOfExecution(emulator, webhook).some((t) => t.id === d.taskId) &&
				d.body.progress >= 100,
		);
		expect(finals).toHaveLength(IMAGES);
		expect(finals.every((d) => d.status === null)).toBe(true);
		const downFor = Date.now();
		({ server, n8n } = await session!.start());
		return downFor;
	}

	/** The webhook execution ended with every file, byte for byte, each task created once. */
	async function expectAllFiles(webhook: string, timeoutMs: number) {
		const done = await n8n.waitForEnd(webhook, timeoutMs);
		expect(done.status).toBe('success');
		const tasks = tasksOfExecution(emulator, webhook);
		expect(tasks).toHaveLength(IMAGES);
		expect(output(done, GENERATE).map((item) => item.json.task_id)).toEqual(tasks.map((t) => t.id));
		expect(output(done, GENERATE, 1)).toEqual([]);
		expect(output(done, SAVE)).toHaveLength(IMAGES);
		for (const task of tasks)
			expect(
				readFileSync(join(outDir, `webhook-wait-${task.id}-0.png`)).equals(task.results[0].data),
			).toBe(true);
		return done;
	}

	/** The poll execution crashed; the log of the process that ran it names its six tasks, which were not created again. */
	async function expectPollTasksNamed(poll: string, pollPrompt: string, log: string) {
		const ended = await n8n.waitForEnd(poll, 30_000);
		expect(ended.status).toBe('crashed');
		const tasks = tasksWithPrompt(pollPrompt);
		expect(tasks).toHaveLength(IMAGES);
		expect(tasks.every((task) => task.state === 'completed')).toBe(true);
		expect(log).toContain(
			createdTasksLine(
				GENERATE,
				poll,
				tasks.map((task) => task.id),
			),
		);
	}

	test('SIGTERM past the shutdown grace, Fallback Check 0: the check at the Timeout brings all six files', async () => {
		const { webhook, poll, pollPrompt } = await startBoth('round 1', { timeout: 70, fallback: 0 });
		const before = server;
		const stop_ms = await bringDown(server, 'SIGTERM');
		// n8n waited its grace for the polling execution, then exited.
		expect(stop_ms).toBeGreaterThanOrEqual(3000);
		const backAt = await downUntilAllDone(webhook);
		const created = emulator.tasks.length;

		const done = await expectAllFiles(webhook, 150_000);
		// Not before the Timeout: with Fallback Check 0 the one check is the one at the Timeout.
		expect(Date.parse(done.stoppedAt!) - Date.parse(done.startedAt)).toBeGreaterThanOrEqual(70_000);
		await expectPollTasksNamed(poll, pollPrompt, before.log());
		expect(emulator.tasks).toHaveLength(created);
		timings.sigterm = {
			stop_ms,
			backToEnd_ms: Date.parse(done.stoppedAt!) - backAt,
			triggerToEnd_ms: Date.parse(done.stoppedAt!) - Date.parse(done.startedAt),
		};
		passed++;
	}, 300_000);

	test('SIGKILL, Fallback Check 70 s: the first check after the restart brings all six files, long before the Timeout', async () => {
		const { webhook, poll, pollPrompt } = await startBoth('round 2', {
			timeout: 1800,
			fallback: 70,
		});
		const before = server;
		await bringDown(server, 'SIGKILL');
		const backAt = await downUntilAllDone(webhook);
		const created = emulator.tasks.length;

		const done = await expectAllFiles(webhook, 150_000);
		expect(Date.parse(done.stoppedAt!) - Date.parse(done.startedAt)).toBeLessThan(1800_000);
		await expectPollTasksNamed(poll, pollPrompt, before.log());
		expect(emulator.tasks).toHaveLength(created);
		timings.sigkill = {
			backToEnd_ms: Date.parse(done.stoppedAt!) - backAt,
			triggerToEnd_ms: Date.parse(done.stoppedAt!) - Date.parse(done.startedAt),
		};
		passed++;
	}, 300_000);
});
