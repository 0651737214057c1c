/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- benchmark code, run by Node.js and never shipped */
/**
 * Child process: one Visionatrix emulator, driven by the orchestrator over IPC. It runs apart from
 * the client so the emulator's memory (every result file is held in RAM) and CPU are not counted
 * as the client's. The emulator CLI (test/emulator/cli.ts) cannot hand back its request log or the
 * tasks' completion times, which the bench needs, hence this small host.
 *
 *   fork(emulator-host.js, [JSON.stringify(EmulatorSpec)])
 *     → { type: 'ready', url, prefix, proxyUrls }
 *   ← { type: 'report' }  → { type: 'report', report }
 *   ← { type: 'stop' }    → exits
 */
import { startEmulator, startProxy, type ReverseProxy } from '../test/emulator';
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
		this.settings = {
			...settings,
			taskDurationMs: taskDuration(task.id, settings.taskDurationMs, jitter),
		};
		try {
			startJob.call(this, slot, task);
		} finally {
			this.settings = settings;
		}
	};
}

/**
 * Another user's work, queued the moment the client sends its first task (before the server
 * handles it), so it is all still waiting whatever time the client took to warm up.
 */
function queueOthersFirst(
	emulator: Awaited<ReturnType<typeof startEmulator>>,
	others: NonNullable<EmulatorSpec['others']>,
): void {
	const client = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
	let queued: Promise<unknown> | undefined;
	emulator.intercept(async (request) => {
		if (request.method !== 'PUT' || !request.path.includes('/tasks/create/')) return;
		if (request.headers.authorization !== client) return;
		queued ??= emulator.queueTasks({
			user: 'admin',
			count: others.count,
			priority: others.priority,
		});
		await queued;
	});
}

/** The execution a client's prompt names (`exec 2 prompt 5`), if any. */
function executionOf(prompt: unknown): number | undefined {
	const match = /^exec (\d+) /.exec(String(prompt ?? ''));
	return match ? Number(match[1]) : undefined;
}

function send(message: HostMessage): void {
	process.send?.(message);
}

/**
 * Asks each progress read of the run (the first `runLength` requests) once more and returns what
 * building its answer cost the emulator (by index; other requests null). The task views are of the
 * same size as in the run: a finished task's answer weighs what its running one did.
 */
async function replayReads(
	emulator: Awaited<ReturnType<typeof startEmulator>>,
	runLength: number,
): Promise<Array<number | null>> {
	const authorization = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
	const costs: Array<number | null> = [];
	for (const request of emulator.requests.slice(0, runLength)) {
		if (request.method !== 'GET' || !request.path.includes('/tasks/progress')) {
			costs.push(null);
			continue;
		}
		const at = emulator.requests.length;
		const url = `${emulator.url}${request.path}?${new URLSearchParams(request.query).toString()}`;
		await (await fetch(url, { headers: { authorization } })).arrayBuffer();
		costs.push(emulator.requests[at]?.handlingMs ?? null);
	}
	return costs;
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
		queueOrder: spec.queueOrder,
	});
	if (spec.others) queueOthersFirst(emulator, spec.others);
	const proxies: ReverseProxy[] = [];
	for (let index = 0; index < (spec.proxies ?? 0); index++)
		proxies.push(await startProxy(emulator.url));
	const proxyPorts = proxies.map((proxy) => new URL(proxy.url).host);
	let rssPeak = process.memoryUsage.rss();
	const sampler = setInterval(() => {
		rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
	}, 100);
	sampler.unref();

	/** The run ends when the orchestrator asks for its report: what comes after (the replays) is not the run's. */
	let runLength: number | undefined;
	const report = (): EmulatorReport => ({
		prefix: emulator.prefix,
		requests: emulator.requests.slice(0, (runLength ??= emulator.requests.length)).map((r) => ({
			method: r.method,
			path: r.path,
			query: r.query,
			status: r.status,
			receivedAt: r.receivedAt,
			finishedAt: r.finishedAt,
			responseBytes: r.responseBytes,
			handlingMs: r.handlingMs,
			...(proxies.length > 0
				? { via: proxyPorts.indexOf(r.headers['x-forwarded-host'] ?? '') }
				: {}),
		})),
		tasks: emulator.tasks.map((task): TaskTiming => {
			const done = task.progressHistory.find((event) => event.progress === 100 && !event.error);
			return {
				id: task.id,
				state: task.state,
				startedAt: task.startedAt,
				completedAt: done?.at ?? null,
				user: task.userId,
				execution: executionOf(task.inputParams.prompt),
			};
		}),
		rssPeakBytes: rssPeak,
	});

	process.on('message', (command: HostCommand) => {
		if (command.type === 'report') send({ type: 'report', report: report() });
		if (command.type === 'replay')
			void replayReads(emulator, (runLength ??= emulator.requests.length)).then((costsMs) =>
				send({ type: 'replayed', costsMs }),
			);
		if (command.type === 'stop') {
			clearInterval(sampler);
			void Promise.all(proxies.map(async (proxy) => await proxy.stop()))
				.then(async () => await emulator.stop())
				.then(() => process.exit(0));
		}
	});
	// The orchestrator died: do not linger.
	process.on('disconnect', () => {
		void emulator.stop().then(() => process.exit(0));
	});
	send({
		type: 'ready',
		url: emulator.url,
		prefix: emulator.prefix,
		proxyUrls: proxies.map((proxy) => proxy.url),
	});
}

main().catch((error: unknown) => {
	send({ type: 'error', message: (error as Error)?.stack ?? String(error) });
	process.exit(1);
});
