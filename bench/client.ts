/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- benchmark code, run by Node.js and never shipped */
/**
 * Child process: runs ONE scenario's client (the node, the guide's loop or the peer-node loop)
 * against an emulator in another process, and measures itself: wall time, CPU time, peak RSS.
 * A fresh process per scenario, so no scenario inherits another's heap, JIT state or sockets.
 * Before measuring, the client warms up against a separate emulator (modules loaded, code
 * compiled, connection pools made), prepares what it needs (the node's upload: its file, stored),
 * then collects garbage and takes its RSS baseline.
 */
import './env';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { runGuide } from './clients/guide';
import { runLoop } from './clients/loop';
import { runPeer } from './clients/peer';
import { runStreamReference } from './clients/stream-ref';
import { liveBytes, ResourceSampler, settle } from './sampler';
import type { ClientCommand, ClientMeasurement, ClientMessage, ScenarioSpec } from './types';

const WORKFLOW_TIMEOUT_MS = 15 * 60_000;

type Outcome = Pick<ClientMeasurement, 'files' | 'bytes' | 'waitPhases' | 'phases' | 'nodeError'>;

/** What a client needs before its baseline is taken: for `node-upload`, the file to upload, stored. */
async function prepare(
	scenario: ScenarioSpec,
	warmupUrl: string,
	bytes: number,
): Promise<INodeExecutionData | undefined> {
	if (scenario.client !== 'node-upload') return undefined;
	const { storeFile } = await import('./clients/node-upload');
	return await storeFile(warmupUrl, bytes, WORKFLOW_TIMEOUT_MS);
}

/** The shared-server rows: each execution through its own proxy (the warm-up, through the emulator itself). */
async function runShared(
	scenario: ScenarioSpec,
	urls: string[],
	n: number,
	saveDir: string,
	warmup: boolean,
): Promise<Outcome> {
	if (scenario.client === 'loop') {
		const { runLoops } = await import('./clients/loop');
		return await runLoops(urls, n, saveDir, warmup ? 20 : undefined);
	}
	const { runNodeShared } = await import('./clients/node');
	const shared = warmup ? {} : (scenario.shared ?? {});
	return await runNodeShared(urls, n, WORKFLOW_TIMEOUT_MS, shared);
}

async function runOnce(
	scenario: ScenarioSpec,
	url: string,
	n: number,
	saveDir: string,
	warmup: boolean,
	prepared?: INodeExecutionData,
	proxyUrls: string[] = [],
): Promise<Outcome> {
	if (scenario.group === 'shared') {
		const urls = !warmup && proxyUrls.length > 0 ? proxyUrls : [url];
		return await runShared(scenario, urls, warmup ? n : scenario.n, saveDir, warmup);
	}
	switch (scenario.client) {
		case 'node': {
			// Loaded only here: the baseline clients never load n8n.
			const { runNode } = await import('./clients/node');
			return await runNode(
				url,
				n,
				WORKFLOW_TIMEOUT_MS,
				scenario.group === 'throughput' ? 'create' : 'three-steps',
			);
		}
		case 'node-upload': {
			const { runNodeUpload } = await import('./clients/node-upload');
			return await runNodeUpload(url, prepared!, WORKFLOW_TIMEOUT_MS);
		}
		case 'loop':
			return await runLoop(url, n, saveDir, warmup ? 20 : undefined);
		case 'guide':
			return await runGuide(url, n, saveDir, warmup ? 20 : undefined);
		case 'peer':
			return await runPeer(url, n, saveDir, warmup ? 20 : undefined);
		case 'stream-ref':
			return await runStreamReference(url, n, saveDir, warmup ? 20 : undefined);
	}
}

async function measure(command: ClientCommand): Promise<ClientMeasurement> {
	const { scenario } = command;
	const saveDir = mkdtempSync(join(tmpdir(), 'vix-bench-files-'));
	// Also when the orchestrator ends this process early (timeout): exit hooks still run.
	process.once('exit', () => rmSync(saveDir, { recursive: true, force: true }));
	try {
		// Two warm-up rounds: one task (the single-task path) and three (the many-task path).
		const warmupFile = await prepare(scenario, command.warmupUrl, 1024 * 1024);
		await runOnce(scenario, command.warmupUrl, 1, saveDir, true, warmupFile);
		await runOnce(scenario, command.warmupUrl, 3, saveDir, true, warmupFile);
		const prepared = await prepare(scenario, command.warmupUrl, scenario.emulator.outputBytes);
		await settle();

		// Diagnosis only (BENCH_FORCE_GC_MS=20): collect garbage every so often while measuring, to
		// tell memory the client holds from garbage V8 has not collected yet.
		const forceGcMs = Number(process.env.BENCH_FORCE_GC_MS ?? 0);
		const gc = (globalThis as { gc?: () => void }).gc;
		const collector = forceGcMs > 0 && gc ? setInterval(gc, forceGcMs) : undefined;
		const sampler = new ResourceSampler(20);
		sampler.start();
		const startedAt = Date.now();
		const t0 = performance.now();
		let outcome: Outcome | undefined;
		let error: string | undefined;
		try {
			outcome = await runOnce(
				scenario,
				command.url,
				scenario.n,
				saveDir,
				false,
				prepared,
				command.proxyUrls,
			);
		} catch (caught) {
			error = (caught as Error)?.message ?? String(caught);
		}
		const wallMs = performance.now() - t0;
		const endedAt = Date.now();
		const use = sampler.stop();
		clearInterval(collector);
		await settle();
		const rssAfterGcBytes = process.memoryUsage.rss() - use.rssBaselineBytes;
		const liveAfterGcBytes = liveBytes();
		return {
			wallMs,
			startedAt,
			endedAt,
			...use,
			rssAfterGcBytes,
			liveAfterGcBytes,
			waitPhases: outcome?.waitPhases,
			phases: outcome?.phases,
			files: outcome?.files ?? 0,
			bytes: outcome?.bytes ?? 0,
			nodeError: outcome?.nodeError,
			error,
		};
	} finally {
		rmSync(saveDir, { recursive: true, force: true });
	}
}

function reply(message: ClientMessage): void {
	// Exit through process.exit so the harness's exit hooks remove its binary-data folder.
	process.send?.(message, () => process.exit(0));
}

process.once('message', (command: ClientCommand) => {
	measure(command).then(
		(measurement) => reply({ type: 'result', measurement }),
		(error: unknown) => reply({ type: 'error', message: (error as Error)?.stack ?? String(error) }),
	);
});
process.on('disconnect', () => process.exit(1));
process.on('SIGTERM', () => process.exit(1));
