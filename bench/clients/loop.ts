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
): Promise<SavedFiles & WaitPhases> {
	const client = new PlainClient(baseUrl, saveDir);
	const pending: number[] = [];
	for (let index = 0; index < n; index++)
		pending.push(await client.create('sdxl_lighting', SDXL_PARAMS(index)));
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
