/**
 * Child process: one Visionatrix emulator, driven by the orchestrator over IPC. It runs apart from
 * the client so the emulator's memory (every result file is held in RAM) and CPU are not counted
 * as the client's. The emulator CLI (test/emulator/cli.ts) cannot hand back its request log or the
 * tasks' completion times, which the bench needs, hence this small host.
 *
 *   fork(emulator-host.js, [JSON.stringify(EmulatorSpec)])
 *     → { type: 'ready', url, prefix }
 *   ← { type: 'report' }  → { type: 'report', report }
 *   ← { type: 'stop' }    → exits
 */
import { startEmulator } from '../test/emulator';
import { WorkerPool, type PoolSettings } from '../test/emulator/workers';
import { USER } from './clients/plain-http';
import type { EmulatorReport, EmulatorSpec, HostCommand, HostMessage, TaskTiming } from './types';

/** A number in [0, 1) from an integer, the same on every run (mulberry32's mixing step). */
function unitHash(value: number): number {
	let t = (value + 0x6d2b79f5) | 0;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Task `id`'s run time: T·(1 ± u), u uniform in [0, jitter), the sign alternating by id. */
export function taskDuration(id: number, taskDurationMs: number, jitter: number): number {
	if (!jitter) return taskDurationMs;
	const pair = Math.floor((id - 1) / 2);
	const u = (unitHash(pair) * 2 - 1) * jitter;
	return Math.round(taskDurationMs * (id % 2 === 1 ? 1 + u : 1 - u));
}

/**
 * Real tasks never take exactly the same time; the emulator's do, to the millisecond. With exact
 * times a fixed-interval poller locks in phase with the tasks: a 1 s poller creating a 2 s task
 * looks again just as it ends, every time, and seems to notice completion at once. The emulator
 * has no option for varied run times, so this host gives each task its own (seeded by its id, so
 * every client in the bench faces the same tasks) by handing the worker pool a per-task duration
 * when a job starts. The pool reads `settings.taskDurationMs` only there, synchronously.
 */
function varyTaskDurations(jitter: number): void {
	if (!jitter) return;
	type Pool = { settings: PoolSettings; startJob(slot: unknown, task: { id: number }): void };
	const prototype = WorkerPool.prototype as unknown as Pool;
	const startJob = prototype.startJob;
	prototype.startJob = function (this: Pool, slot, task) {
		const settings = this.settings;
		this.settings = { ...settings, taskDurationMs: taskDuration(task.id, settings.taskDurationMs, jitter) };
		try {
			startJob.call(this, slot, task);
		} finally {
			this.settings = settings;
		}
	};
}

function send(message: HostMessage): void {
	process.send?.(message);
}

/** How often each progress read is asked again after the run; its median is kept. */
const REPLAYS = 5;

/**
 * The run's requests, each progress read with what answering it costs when asked again after
 * the run. A read's own timing (a tenth of a millisecond) says more about the moment it came than
 * about the work it asked for: reads that come one by one find the emulator's caches cold, reads
 * in a burst find them warm, and another process may hold the core. Asked again one after the
 * other, every client's reads meet the same conditions. The task views are of the same size then
 * (a finished task's answer weighs what its running one did); the replays are not reported.
 */
async function withReplayedCosts(emulator: Awaited<ReturnType<typeof startEmulator>>) {
	const run = [...emulator.requests];
	const authorization = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
	const replayed: Array<number | undefined> = [];
	for (const request of run) {
		if (request.method !== 'GET' || !request.path.includes('/tasks/progress')) {
			replayed.push(undefined);
			continue;
		}
		const url = `${emulator.url}${request.path}?${new URLSearchParams(request.query).toString()}`;
		const costs: number[] = [];
		for (let i = 0; i < REPLAYS; i++) {
			const from = emulator.requests.length;
			await (await fetch(url, { headers: { authorization } })).arrayBuffer();
			costs.push(emulator.requests[from]?.handlingMs ?? 0);
		}
		costs.sort((a, b) => a - b);
		replayed.push(costs[Math.floor(costs.length / 2)]);
	}
	return run.map((request, index) => ({ request, replayedMs: replayed[index] }));
}

async function main(): Promise<void> {
	const spec = JSON.parse(process.argv[2] ?? '{}') as EmulatorSpec;
	varyTaskDurations(spec.jitter ?? 0);
	const emulator = await startEmulator({
		taskDurationMs: spec.taskDurationMs,
		workers: spec.workers,
		outputBytes: spec.outputBytes,
		auth: true,
		history: { tasks: spec.history ?? 0, user: 'alice' },
	});
	let rssPeak = process.memoryUsage.rss();
	const sampler = setInterval(() => {
		rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
	}, 100);
	sampler.unref();

	const build = async (): Promise<EmulatorReport> => ({
		prefix: emulator.prefix,
		requests: (await withReplayedCosts(emulator)).map(({ request: r, replayedMs }) => ({
			method: r.method,
			path: r.path,
			query: r.query,
			status: r.status,
			receivedAt: r.receivedAt,
			finishedAt: r.finishedAt,
			responseBytes: r.responseBytes,
			handlingMs: r.handlingMs,
			replayedMs,
		})),
		tasks: emulator.tasks.map((task): TaskTiming => {
			const done = task.progressHistory.find((event) => event.progress === 100 && !event.error);
			return { id: task.id, state: task.state, startedAt: task.startedAt, completedAt: done?.at ?? null };
		}),
		rssPeakBytes: rssPeak,
	});
	/** Built once: the replays happen after the run, and a second report would count them. */
	let built: Promise<EmulatorReport> | undefined;

	process.on('message', (command: HostCommand) => {
		if (command.type === 'report') void (built ??= build()).then((built) => send({ type: 'report', report: built }));
		if (command.type === 'stop') {
			clearInterval(sampler);
			void emulator.stop().then(() => process.exit(0));
		}
	});
	// The orchestrator died: do not linger.
	process.on('disconnect', () => {
		void emulator.stop().then(() => process.exit(0));
	});
	send({ type: 'ready', url: emulator.url, prefix: emulator.prefix });
}

main().catch((error: unknown) => {
	send({ type: 'error', message: (error as Error)?.stack ?? String(error) });
	process.exit(1);
});
