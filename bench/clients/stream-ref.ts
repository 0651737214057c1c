/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- benchmark code, run by Node.js and never shipped */
/**
 * Reference for the download memory rows: one task created and polled with `fetch`, then its
 * result fetched with plain `node:http` and piped straight into a file (`stream.pipeline`), no
 * n8n, no axios. Whatever RSS this grows by is Node.js's own cost of streaming that many bytes
 * (socket buffers, and chunks already written that wait for the garbage collector), the floor
 * any n8n node sits on.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { PREFIX, PlainClient, SDXL_PARAMS, USER, type SavedFiles } from './plain-http';

function request(url: string): Promise<IncomingMessage> {
	const authorization = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
	return new Promise((resolve, reject) => {
		get(url, { headers: { authorization } }, resolve).on('error', reject);
	});
}

export async function runStreamReference(
	baseUrl: string,
	n: number,
	saveDir: string,
	pollMs = 200,
): Promise<SavedFiles> {
	const client = new PlainClient(baseUrl, saveDir);
	const total: SavedFiles = { files: 0, bytes: 0 };
	for (let index = 0; index < n; index++) {
		const taskId = await client.create('sdxl_lighting', SDXL_PARAMS(index));
		for (const output of await client.waitFor(taskId, pollMs)) {
			const response = await request(
				`${baseUrl}${PREFIX}/tasks/results?task_id=${taskId}&node_id=${output.comfy_node_id}&batch_index=0`,
			);
			if (response.statusCode !== 200)
				throw new Error(`results of task ${taskId}: HTTP ${response.statusCode}`);
			const target = join(saveDir, `stream_${taskId}_${output.comfy_node_id}`);
			await pipeline(response, createWriteStream(target));
			total.files++;
			total.bytes += (await stat(target)).size;
		}
	}
	return total;
}
