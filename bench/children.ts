/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- benchmark code, run by Node.js and never shipped */
/** The orchestrator's side of its child processes: emulators and scenario clients. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type {
	ClientCommand,
	ClientMeasurement,
	ClientMessage,
	EmulatorReport,
	EmulatorSpec,
	HostCommand,
	HostMessage,
} from './types';

/** Every child this process started, so they can be ended (by pid) if the bench is interrupted. */
const started = new Set<ChildProcess>();

export function killChildren(): void {
	for (const child of started) {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	}
	started.clear();
}

function start(script: string, args: string[], execArgv: string[] = []): ChildProcess {
	const child = fork(join(__dirname, script), args, {
		execArgv,
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	started.add(child);
	child.once('exit', () => started.delete(child));
	return child;
}

function nextMessage<T>(
	child: ChildProcess,
	what: string,
	accept: (message: T) => boolean,
	timeoutMs: number,
): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => finish(new Error(`${what}: no answer within ${timeoutMs} ms`)),
			timeoutMs,
		);
		const onMessage = (message: T) => {
			if (accept(message)) finish(null, message);
		};
		const onExit = (code: number | null, signal: string | null) =>
			finish(new Error(`${what}: the process ended (code ${code}, signal ${signal})`));
		function finish(error: Error | null, message?: T) {
			clearTimeout(timer);
			child.off('message', onMessage);
			child.off('exit', onExit);
			if (error) reject(error);
			else resolve(message as T);
		}
		child.on('message', onMessage);
		child.once('exit', onExit);
	});
}

export interface EmulatorProcess {
	url: string;
	/** One reverse proxy per execution, when the spec asks for them. */
	proxyUrls: string[];
	prefix: string;
	pid: number;
	report(): Promise<EmulatorReport>;
	/** Asks every progress read of the run once more; what each cost (null: not a progress read). */
	replay(): Promise<Array<number | null>>;
	stop(): Promise<void>;
}

export async function spawnEmulator(spec: EmulatorSpec): Promise<EmulatorProcess> {
	const child = start('emulator-host.js', [JSON.stringify(spec)]);
	const ready = await nextMessage<HostMessage>(
		child,
		'emulator',
		(m) => m.type === 'ready' || m.type === 'error',
		30_000,
	);
	if (ready.type === 'error') throw new Error(`The emulator did not start: ${ready.message}`);
	if (ready.type !== 'ready') throw new Error('unreachable');
	const command = (c: HostCommand) => child.send(c);
	return {
		url: ready.url,
		proxyUrls: ready.proxyUrls,
		prefix: ready.prefix,
		pid: child.pid ?? -1,
		async report() {
			const answer = nextMessage<HostMessage>(
				child,
				'emulator report',
				(m) => m.type === 'report',
				60_000,
			);
			command({ type: 'report' });
			const message = await answer;
			if (message.type !== 'report') throw new Error('unreachable');
			return message.report;
		},
		async replay() {
			const answer = nextMessage<HostMessage>(
				child,
				'emulator replay',
				(m) => m.type === 'replayed',
				120_000,
			);
			command({ type: 'replay' });
			const message = await answer;
			if (message.type !== 'replayed') throw new Error('unreachable');
			return message.costsMs;
		},
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			command({ type: 'stop' });
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/** Runs one scenario in a fresh client process and returns what it measured about itself. */
export async function runClient(
	command: ClientCommand,
	timeoutMs: number,
): Promise<ClientMeasurement> {
	// --expose-gc: the client collects garbage before taking its RSS baseline. BENCH_CLIENT_NODE_ARGS
	// adds flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the clients.
	const extra = (process.env.BENCH_CLIENT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
	const child = start('client.js', [], ['--expose-gc', ...extra]);
	try {
		const answer = nextMessage<ClientMessage>(
			child,
			`client ${command.scenario.id}`,
			() => true,
			timeoutMs,
		);
		child.send(command);
		const message = await answer;
		if (message.type === 'error')
			throw new Error(`client ${command.scenario.id} failed: ${message.message}`);
		return message.measurement;
	} finally {
		// The client exits by itself after answering; end it only if it does not.
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			const term = setTimeout(() => child.kill('SIGTERM'), 5_000);
			const kill = setTimeout(() => child.kill('SIGKILL'), 8_000);
			await exited;
			clearTimeout(term);
			clearTimeout(kill);
		}
	}
}
