/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * End to end in n8n's queue mode, for real: Debian's redis-server on loopback, n8n's main process,
 * two `n8n worker` processes, binary data in the database (n8n's queue-mode default), one sqlite
 * file for all of them, and the emulator. Workflows start from a Webhook trigger; the main process
 * puts them on the queue and a worker runs them.
 *
 * - examples/generate-and-remove-background-step-by-step.json runs on a worker; both images reach the disk
 *   byte for byte.
 * - examples/webhook-wait.json waits on Visionatrix's webhook: the wait starts on one worker, that
 *   worker is then stopped, and the execution resumes (main handles the call) and ends on the other.
 * - Six images On Webhook and six polled, then the worker that polls and the main process are
 *   killed (SIGKILL) while every task finishes: after the main is back, the webhook wait's stored
 *   check brings its six files; the polled execution is not run again (n8n sets Bull's
 *   maxStalledCount to 0), so no task is created twice: the main's queue recovery marks it crashed
 *   (every minute here, N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL), and the killed worker's log names
 *   its tasks.
 *
 * Needs `npm run build`, the n8n install and redis-server (scripts/install-redis.sh).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { VisionatrixEmulator } from '../emulator/types';
import { loadExample, NODE_TYPE, prepareWorkflow } from '../n8n';
import type { N8nRestClient } from '../n8n/rest';
import {
	locateRedis,
	queueModeEnv,
	startQueueMode,
	startRedis,
	startWorker,
	type QueueModeCluster,
	type RedisServer,
} from '../n8n/queue-mode';
import { startN8nSession, type N8nSession } from '../n8n/session';
import {
	createdTasksLine,
	finalDelivery,
	imagesExample,
	nodeItems,
	progressReads,
	reportTimings,
	startByWebhook,
	tasksOfExecution,
	untilTasksWithPrompt,
	untilWaiting,
	withWebhookTrigger,
} from './webhook-workflows';

const OWNER = { email: 'queue@visionatrix.local', password: 'Vix-queue-2026' };
const SIX = 6;

describe('queue mode: n8n main, two workers, Redis', () => {
	let redis: RedisServer | undefined;
	let session: N8nSession<QueueModeCluster> | undefined;
	let emulator: VisionatrixEmulator;
	let cluster: QueueModeCluster;
	let n8n: N8nRestClient;
	let outDir: string;
	let passed = 0;
	const timings: Record<string, unknown> = {};

	beforeAll(async () => {
		locateRedis(); // throws: redis-server is not installed: run "bash scripts/install-redis.sh"
		const started = Date.now();
		redis = await startRedis();
		session = await startN8nSession({
			emulator: { taskDurationMs: 1500, workers: 1 },
			owner: OWNER,
			// The main looks for executions whose worker died every minute (n8n's default: 180).
			extraEnv: { ...queueModeEnv(redis), N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1' },
			workflows: (credential, out) => {
				const example = withWebhookTrigger(
					prepareWorkflow(loadExample('generate-and-remove-background-step-by-step.json'), {
						credential,
						outputDir: out,
					}),
					'vix-queue-example',
				);
				for (const node of example.nodes) {
					if (node.type === NODE_TYPE && node.parameters.operation === 'waitForCompletion')
						node.parameters.options = { pollInterval: 0.5, timeout: 60 };
				}
				return [
					example,
					withWebhookTrigger(
						prepareWorkflow(loadExample('webhook-wait.json'), { credential, outputDir: out }),
						'vix-queue-webhook-wait',
					),
					...(['webhook', 'poll'] as const).map((waitMode) =>
						imagesExample({
							credential,
							outputDir: out,
							name: `queue mode: six images (${waitMode})`,
							path: `vix-queue-six-${waitMode}`,
							waitMode,
							count: SIX,
						}),
					),
				];
			},
			serve: async (instance) => await startQueueMode(instance, { workers: 2 }),
		});
		({ emulator, outDir } = session);
		const prepared = Date.now();

		({ server: cluster, n8n } = await session.start());
		timings.setup = {
			importAndPublish_ms: prepared - started,
			startMainAndTwoWorkers_ms: Date.now() - prepared,
		};
	}, 240_000);

	afterAll(async () => {
		await session?.stop({ failed: passed < 3 });
		await redis?.stop();
		reportTimings('queue-mode', timings);
	}, 60_000);

	test('example 1 runs on a worker and its two images reach the disk intact', async () => {
		const started = Date.now();
		const id = await startByWebhook(cluster.main.url, 'vix-queue-example', {});
		const done = await n8n.waitForEnd(id, 120_000);
		expect(done.status).toBe('success');
		expect(done.mode).toBe('webhook');
		// A worker ran it, not the main process.
		expect(cluster.workersOf(id)).toHaveLength(1);
		expect(cluster.main.log()).not.toContain(`Worker started execution ${id} `);

		const generated = nodeItems(done, 'Get Image')[0];
		const cutOut = nodeItems(done, 'Get Image Without Background')[0];
		// Binary data lives in the database in queue mode; the execution holds a reference.
		expect(String(generated.binary?.data?.id)).toMatch(/^database:/);
		const firstTask = Number(generated.json.task_id);
		const secondTask = Number(cutOut.json.task_id);
		expect(
			readFileSync(join(outDir, `generated-${firstTask}-0.png`)).equals(
				emulator.task(firstTask)!.results[0].data,
			),
		).toBe(true);
		expect(
			readFileSync(join(outDir, `no-background-${secondTask}-0.png`)).equals(
				emulator.task(secondTask)!.results[0].data,
			),
		).toBe(true);
		timings.example1 = {
			worker: cluster.workersOf(id)[0],
			triggerToEnd_ms: Date.parse(done.stoppedAt!) - started,
		};
		passed++;
	}, 150_000);

	test('a webhook wait that started on one worker resumes on the other after the first is stopped', async () => {
		// A paused server: the task stays queued until the first worker is gone.
		emulator.configure({ workers: 0 });
		const triggeredAt = Date.now();
		const id = await startByWebhook(cluster.main.url, 'vix-queue-webhook-wait', {});
		expect((await untilWaiting(n8n, id)).status).toBe('waiting');
		const [first] = cluster.workersOf(id);
		expect(first).toBeDefined();
		const firstWorker = cluster.workers.find((w) => w.name === first)!;
		const stoppedAt = Date.now();
		await firstWorker.stop();
		timings.stopWorker_ms = Date.now() - stoppedAt;
		expect((await n8n.execution(id)).status).toBe('waiting');

		emulator.configure({ workers: 1 });
		const [task] = tasksOfExecution(emulator, id);
		const final = await finalDelivery(emulator, task.id);
		expect({ status: final.status, failure: final.failure }).toEqual({
			status: 200,
			failure: null,
		});
		const done = await n8n.waitForEnd(id, 60_000);
		expect(done.status).toBe('success');

		const other = cluster.workers.find((w) => w.name !== first)!;
		expect(other.startedExecutions()).toContain(id);
		expect(firstWorker.startedExecutions().filter((e) => e === id)).toHaveLength(1);
		// Waiting, nobody asked the server about the task; the final call's check is the one read after it.
		const create = emulator.requests.find(
			(r) =>
				r.method === 'PUT' &&
				r.path === '/vapi/tasks/create/sdxl_lighting' &&
				r.receivedAt >= triggeredAt,
		)!;
		expect(progressReads(emulator, create.receivedAt, final.sentAt)).toHaveLength(1);
		expect(progressReads(emulator, final.sentAt)).toHaveLength(1);

		// The file: downloaded by the main process (it handles the call), saved by the other worker.
		const item = nodeItems(done, 'Generate Image')[0];
		expect(String(item.binary?.data?.id)).toMatch(/^database:/);
		expect(
			readFileSync(join(outDir, `webhook-wait-${task.id}-0.png`)).equals(
				emulator.task(task.id)!.results[0].data,
			),
		).toBe(true);
		timings.webhookWait = {
			startedOn: first,
			resumedOn: other.name,
			finalCallToExecutionEnd_ms: Date.parse(done.stoppedAt!) - final.sentAt,
		};
		passed++;
	}, 120_000);

	test('the polling worker and the main process killed while every task finishes: the webhook wait ends with its six files, nothing is created twice', async () => {
		// Two live workers again (the test before stopped one): the one that polls dies, the other stays.
		cluster.workers.push(
			await startWorker(session!.instance, { name: 'worker-3', webhookUrl: `${cluster.url}/` }),
		);
		emulator.configure({ workers: 0 });
		const webhook = await startByWebhook(cluster.main.url, 'vix-queue-six-webhook', {
			prompt: 'queue: on webhook',
			timeout: 1800,
			fallback: 70,
		});
		expect((await untilWaiting(n8n, webhook)).status).toBe('waiting');
		const poll = await startByWebhook(cluster.main.url, 'vix-queue-six-poll', {
			prompt: 'queue: polled',
			timeout: 600,
		});
		const polled = await untilTasksWithPrompt(emulator, 'queue: polled', SIX);
		const polling = cluster.workers.find((w) => w.startedExecutions().includes(poll))!;
		expect(polling).toBeDefined();
		const killedAt = Date.now();
		polling.process.kill('SIGKILL');
		cluster.main.process.kill('SIGKILL');

		// Every task finishes while the main is down: the webhook wait's final calls go nowhere.
		emulator.configure({ workers: 2 });
		await Promise.all(emulator.tasks.map(async (task) => await emulator.waitForTask(task.id)));
		const mine = tasksOfExecution(emulator, webhook);
		expect(mine).toHaveLength(SIX);
		const finals = emulator.webhookDeliveries.filter(
			(d) => mine.some((t) => t.id === d.taskId) && d.body.progress >= 100,
		);
		expect(finals.map((d) => d.status)).toEqual(Array(SIX).fill(null));
		const created = emulator.tasks.length;
		await cluster.restartMain();
		await n8n.login(OWNER);

		const done = await n8n.waitForEnd(webhook, 150_000);
		expect(done.status).toBe('success');
		expect(nodeItems(done, 'Generate Image').map((item) => item.json.task_id)).toEqual(
			mine.map((t) => t.id),
		);
		for (const task of mine)
			expect(
				readFileSync(join(outDir, `webhook-wait-${task.id}-0.png`)).equals(task.results[0].data),
			).toBe(true);

		// The polled execution is not run again (no task twice, no other worker starts it) but marked
		// crashed by the main's queue recovery; its tasks are in the killed worker's log.
		const ended = await n8n.waitForEnd(poll, 180_000);
		expect(ended.status).toBe('crashed');
		expect(emulator.tasks).toHaveLength(created);
		expect(cluster.workersOf(poll)).toEqual([polling.name]);
		expect(polling.log()).toContain(
			createdTasksLine(
				'Generate Image',
				poll,
				polled.map((t) => t.id),
			),
		);
		timings.killed = {
			pollEndedAs: ended.status,
			killToWebhookEnd_ms: Date.parse(done.stoppedAt!) - killedAt,
			killToPollEnd_ms: Date.now() - killedAt,
		};
		passed++;
	}, 420_000);
});
