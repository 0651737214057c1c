/**
 * (b) The vendor's getting-started guide, re-implemented: for each task in turn, create it, poll
 * its progress every 5 s (first look right after creating), download every output, then the next
 * task. One task at a time, as the guide's `main()` does for one task.
 */
import { PlainClient, SDXL_PARAMS, type SavedFiles, type WaitPhases } from './plain-http';

export const GUIDE_POLL_MS = 5_000;

export async function runGuide(
	baseUrl: string,
	n: number,
	saveDir: string,
	pollMs = GUIDE_POLL_MS,
): Promise<SavedFiles & WaitPhases> {
	const client = new PlainClient(baseUrl, saveDir);
	const total: SavedFiles & WaitPhases = { files: 0, bytes: 0, waitPhases: [] };
	for (let index = 0; index < n; index++) {
		const taskId = await client.create('sdxl_lighting', SDXL_PARAMS(index));
		const from = Date.now();
		const outputs = await client.waitFor(taskId, pollMs);
		total.waitPhases.push({ from, to: Date.now() });
		const saved = await client.saveResults(taskId, outputs);
		total.files += saved.files;
		total.bytes += saved.bytes;
	}
	return total;
}
