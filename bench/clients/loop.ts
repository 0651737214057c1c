/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- benchmark code, run by Node.js and never shipped */
/**
 * (b) The loop users build from n8n's own nodes: HTTP Request creates each item's task (one item
 * after the other), then Wait 5 s → HTTP Request reads the progress of every task still pending,
 * one item at a time → IF done: HTTP Request downloads its files; else back to the Wait.
 */
import {
	PlainClient,
	SDXL_PARAMS,
	type SavedFiles,
	type TaskOutput,
	type WaitPhases,
} from './plain-http';

export const LOOP_WAIT_MS = 5_000;

export async function runLoop(
	baseUrl: string,
	n: number,
	saveDir: string,
	waitMs = LOOP_WAIT_MS,
	execution?: number,
): Promise<SavedFiles & WaitPhases> {
	const client = new PlainClient(baseUrl, saveDir);
	const pending: number[] = [];
	for (let index = 0; index < n; index++) {
		const params = SDXL_PARAMS(index);
		// The shared rows: which execution created it, in its prompt.
		if (execution !== undefined) params.prompt = `exec ${execution} prompt ${index}`;
		pending.push(await client.create('sdxl_lighting', params));
	}
	const total: SavedFiles & WaitPhases = { files: 0, bytes: 0, waitPhases: [] };
	while (pending.length > 0) {
		await new Promise((resolve) => setTimeout(resolve, waitMs));
		const from = Date.now();
		const done: Array<{ taskId: number; outputs: TaskOutput[] }> = [];
		for (const taskId of [...pending]) {
			const details = await client.progress(taskId);
			if (details.error) throw new Error(`Task ${taskId} encountered an error: ${details.error}`);
			if (details.progress >= 100) {
				done.push({ taskId, outputs: details.outputs ?? [] });
				pending.splice(pending.indexOf(taskId), 1);
			}
		}
		total.waitPhases.push({ from, to: Date.now() });
		for (const { taskId, outputs } of done) {
			const saved = await client.saveResults(taskId, outputs);
			total.files += saved.files;
			total.bytes += saved.bytes;
		}
	}
	return total;
}

/** Several loops at once, one per execution, each through its own proxy, over its share of the `n` tasks. */
export async function runLoops(
	urls: string[],
	n: number,
	saveDir: string,
	waitMs = LOOP_WAIT_MS,
): Promise<SavedFiles & WaitPhases> {
	const runs = await Promise.all(
		urls.map(
			async (url, execution) => await runLoop(url, n / urls.length, saveDir, waitMs, execution),
		),
	);
	return {
		files: runs.reduce((sum, run) => sum + run.files, 0),
		bytes: runs.reduce((sum, run) => sum + run.bytes, 0),
		waitPhases: runs.flatMap((run) => run.waitPhases),
	};
}
