/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * n8n in queue mode, for real, on loopback: Debian's `redis-server`, n8n's main process (`n8n
 * start`: editor, REST API, webhooks, waiting webhooks, the wait tracker) and `n8n worker`
 * processes that run the executions they take from the Redis queue (Bull).
 *
 * All processes share one n8n user folder (encryption key, the linked package, the sqlite database
 * file, the folder workflows write to); each gets its own task-broker and health-check port. n8n
 * warns that queue mode is "not officially supported with sqlite" (use PostgreSQL in production);
 * one database file that every process opens works for tests on one machine. Binary data goes to
 * the database (`N8N_DEFAULT_BINARY_DATA_MODE=database`, n8n's default in queue mode): a file
 * stored by one process is read by another.
 *
 * `redis-server` must be installed (`bash scripts/install-redis.sh`: apt-get, once).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { answersOk, keepOutput, stopProcess, untilReady } from './child-process';
import { tail } from './cli';
import { freePort } from './free-port';
import type { N8nInstance } from './instance';
import { startN8nServer, type N8nServer } from './server';

// ---------------------------------------------------------------------------------------------
// Redis

export class RedisNotInstalledError extends Error {}

/** The redis-server binary (PATH, then Debian's place); throws with the command that installs it. */
export function locateRedis(): string {
	for (const candidate of [process.env.REDIS_SERVER, 'redis-server', '/usr/bin/redis-server']) {
		if (!candidate) continue;
		const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
		if (probe.status === 0) return candidate;
	}
	throw new RedisNotInstalledError(
		'redis-server is not installed: run "bash scripts/install-redis.sh" (apt-get install redis-server).',
	);
}

export interface RedisServer {
	host: string;
	port: number;
	process: ChildProcess;
	log: () => string;
	stop(): Promise<void>;
}

/** A throwaway redis-server on 127.0.0.1 (no persistence, its own folder). */
export async function startRedis(
	options: { port?: number; timeoutMs?: number } = {},
): Promise<RedisServer> {
	const binary = locateRedis();
	const port = options.port ?? (await freePort());
	const dir = mkdtempSync(join(tmpdir(), 'vix-redis-'));
	const child = spawn(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--protected-mode',
			'yes',
		],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const log = keepOutput(child);
	const stop = async () => {
		await stopProcess(child, 5_000);
		rmSync(dir, { recursive: true, force: true });
	};
	const ready = () => /Ready to accept connections/.test(log());
	await untilReady(child, 'redis-server', ready, {
		timeoutMs: options.timeoutMs ?? 15_000,
		intervalMs: 50,
		output: log,
		stop,
	});
	return { host: '127.0.0.1', port, process: child, log, stop };
}

// ---------------------------------------------------------------------------------------------
// n8n main and workers

/** The environment that makes every n8n process of an instance run in queue mode on this Redis. */
export function queueModeEnv(redis: { host: string; port: number }): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// n8n's default in queue mode, set explicitly: every process reads what another stored.
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// Manual executions (from the editor) run on the workers too, as in most queue-mode setups.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_DISABLED_MODULES: 'mcp-registry',
	};
}

export interface N8nWorker {
	name: string;
	process: ChildProcess;
	healthUrl: string;
	log: () => string;
	/** Execution ids this worker started, from its log ("Worker started execution <id>"). */
	startedExecutions: () => string[];
	stop(): Promise<void>;
}

/** `n8n worker`: resolves when its health check says it is ready. */
export async function startWorker(
	instance: N8nInstance,
	options: {
		name?: string;
		concurrency?: number;
		timeoutMs?: number;
		echo?: boolean;
		webhookUrl?: string;
	} = {},
): Promise<N8nWorker> {
	const { node, bin } = instance.installation;
	const name = options.name ?? 'worker';
	const healthPort = await freePort();
	const env = {
		...instance.env,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		// A worker builds $execution.resumeUrl from its own WEBHOOK_URL: it must be the main's
		// (n8n's default, http://localhost:5678/, is nobody's here).
		...(options.webhookUrl ? { WEBHOOK_URL: options.webhookUrl } : {}),
	};
	const child = spawn(node, [bin, 'worker', `--concurrency=${options.concurrency ?? 5}`], {
		cwd: instance.cwd,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const log = keepOutput(
		child,
		options.echo ? (chunk) => process.stdout.write(chunk.replace(/^/gm, `[${name}] `)) : undefined,
	);
	const healthUrl = `http://127.0.0.1:${healthPort}/healthz/readiness`;
	const stop = async () => await stopProcess(child, 30_000);
	await untilReady(child, `n8n worker "${name}"`, answersOk(healthUrl), {
		timeoutMs: options.timeoutMs ?? 90_000,
		intervalMs: 250,
		output: log,
		stop,
	});
	return {
		name,
		process: child,
		healthUrl,
		log,
		startedExecutions: () =>
			[...log().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]),
		stop,
	};
}

export interface QueueModeCluster {
	/** The main process (the one running now, after `restartMain`). */
	main: N8nServer;
	/** The main process's URL. */
	url: string;
	workers: N8nWorker[];
	/** Which worker started an execution (each run of it: a resumed execution is a new job). */
	workersOf(executionId: string): string[];
	/** The end of each process's log (60 lines each), main first, then the workers. */
	log(): string;
	/** Starts the main process again on its port (as a restarted server), once the last one has exited. */
	restartMain(): Promise<N8nServer>;
	stop(): Promise<void>;
}

/**
 * Main process, then the workers (started together). The instance must have been created with
 * `queueModeEnv(redis)` in its environment, its workflows imported and published.
 */
export async function startQueueMode(
	instance: N8nInstance,
	options: { workers?: number; port?: number; echo?: boolean } = {},
): Promise<QueueModeCluster> {
	if (instance.env.EXECUTIONS_MODE !== 'queue')
		throw new Error(
			'the n8n instance is not set up for queue mode: create it with queueModeEnv(redis) in extraEnv',
		);
	let main = await startN8nServer(instance, { port: options.port, echo: options.echo });
	let workers: N8nWorker[] = [];
	try {
		workers = await Promise.all(
			Array.from(
				{ length: options.workers ?? 2 },
				async (_, i) =>
					await startWorker(instance, {
						name: `worker-${i + 1}`,
						echo: options.echo,
						webhookUrl: `${main.url}/`,
					}),
			),
		);
	} catch (error) {
		await main.stop();
		throw error;
	}
	return {
		get main() {
			return main;
		},
		url: main.url,
		workers,
		restartMain: async () => {
			await main.stop();
			main = await startN8nServer(instance, { port: main.port, echo: options.echo });
			return main;
		},
		log: () =>
			[['main', main.log()], ...workers.map((w) => [w.name, w.log()])]
				.map(([name, log]) => `--- ${name} (last 60 lines)\n${tail(log, 60)}`)
				.join('\n'),
		workersOf: (executionId) =>
			workers.flatMap((worker) =>
				worker
					.startedExecutions()
					.filter((id) => id === executionId)
					.map(() => worker.name),
			),
		stop: async () => {
			await Promise.all(workers.map(async (worker) => await worker.stop()));
			await main.stop();
		},
	};
}
