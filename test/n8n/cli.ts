/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- test code, run by Node.js and never shipped */
/** `n8n <command>` as a child process of an instance, with its output kept for error messages. */
import { spawn } from 'node:child_process';

import type { N8nInstance } from './instance';

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export class N8nCliError extends Error {
	constructor(
		message: string,
		readonly result: CliResult,
	) {
		super(message);
	}
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The last lines of a command's stdout and stderr, for error messages (empty streams left out). */
export function outputTails(result: { stdout: string; stderr: string }, lines = 40): string {
	return (['stdout', 'stderr'] as const)
		.filter((stream) => result[stream].trim() !== '')
		.map((stream) => `\n--- ${stream} (last ${lines} lines) ---\n${tail(result[stream], lines)}`)
		.join('');
}

/** Spawns `n8n <args>` for the instance and returns its output (rejects on a non-zero exit). */
export async function runN8nCli(
	instance: N8nInstance,
	args: string[],
	options: { timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<CliResult> {
	const { node, bin } = instance.installation;
	const started = Date.now();
	const child = spawn(node, [bin, ...args], {
		cwd: instance.cwd,
		env: instance.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timeoutMs = options.timeoutMs ?? 120_000;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		child.kill('SIGTERM');
		setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
	}, timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
		child.on('error', fail);
		child.on('close', (c, s) => done([c, s]));
	}).finally(() => clearTimeout(timer));
	const result: CliResult = { code, signal, stdout, stderr, durationMs: Date.now() - started };
	if (timedOut) {
		throw new N8nCliError(
			`n8n ${args[0]} timed out after ${timeoutMs} ms${outputTails(result)}`,
			result,
		);
	}
	if (code !== 0 && !options.allowFailure) {
		throw new N8nCliError(
			`n8n ${args.join(' ')} exited with ${code ?? signal}${outputTails(result)}`,
			result,
		);
	}
	return result;
}
