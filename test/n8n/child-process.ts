/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** The long-running processes the helpers start (n8n, its workers, Redis): their output, readiness and stop. */
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

import { tail } from './cli';

type Child = ChildProcessByStdio<null, Readable, Readable>;

/** Keeps what the child writes to stdout and stderr, handing each chunk to `echo` too; returns the reader. */
export function keepOutput(child: Child, echo?: (chunk: string) => void): () => string {
	let output = '';
	const onData = (chunk: string) => {
		output += chunk;
		echo?.(chunk);
	};
	child.stdout.setEncoding('utf8').on('data', onData);
	child.stderr.setEncoding('utf8').on('data', onData);
	return () => output;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopProcess(child: Child, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	child.kill('SIGTERM');
	const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(killer);
}

/** True once a GET of the URL answers 2xx. */
export const answersOk = (url: string) => async () => {
	try {
		return (await fetch(url)).ok;
	} catch {
		return false; // not listening yet
	}
};

/**
 * Resolves once `ready()` says so. Throws with the end of the child's output when it exits first,
 * or, after stopping it, when it is not ready within `timeoutMs`.
 */
export async function untilReady(
	child: Child,
	what: string,
	ready: () => Promise<boolean> | boolean,
	options: {
		timeoutMs: number;
		intervalMs: number;
		output: () => string;
		stop: () => Promise<void>;
	},
): Promise<void> {
	const deadline = Date.now() + options.timeoutMs;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`${what} exited with ${child.exitCode}:\n${tail(options.output())}`);
		if (await ready()) return;
		if (Date.now() > deadline) {
			await options.stop();
			throw new Error(
				`${what} was not ready within ${options.timeoutMs} ms:\n${tail(options.output())}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
	}
}
