/**
 * (c) What peer n8n nodes for self-hosted generators typically do: create every item's task up
 * front (one after the other, as an item loop does), then poll each task on its own every 1 s and
 * download its outputs as soon as it is done.
 */
import { PlainClient, SDXL_PARAMS, type SavedFiles, type WaitPhases } from './plain-http';

export const PEER_POLL_MS = 1_000;

export async function runPeer(
	baseUrl: string,
	n: number,
	saveDir: string,
	pollMs = PEER_POLL_MS,
): Promise<SavedFiles & WaitPhases> {
	const client = new PlainClient(baseUrl, saveDir);
	const taskIds: number[] = [];
	for (let index = 0; index < n; index++)
		taskIds.push(await client.create('sdxl_lighting', SDXL_PARAMS(index)));
	const from = Date.now();
	let lastLook = from;
	const saved = await Promise.all(
		taskIds.map(async (taskId) => {
			const outputs = await client.waitFor(taskId, pollMs);
			lastLook = Math.max(lastLook, Date.now());
			return await client.saveResults(taskId, outputs);
		}),
	);
	const total = saved.reduce(
		(sum, one) => ({ files: sum.files + one.files, bytes: sum.bytes + one.bytes }),
		{ files: 0, bytes: 0 },
	);
	return { ...total, waitPhases: [{ from, to: lastLook }] };
}
