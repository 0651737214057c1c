/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { sha256 } from '../fixtures/media';
import { createTask, credentialFor, getResults, run, waitFor } from './visionatrix';

/**
 * Many items and big files: what a pipeline over 50 items or a long video needs. (Speed and memory
 * figures are measured by `npm run bench`; these tests check the behaviour behind them.)
 */

describe('waiting for many tasks', () => {
	let emulator: VisionatrixEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({ taskDurationMs: 200, workers: 3 });
	});
	afterAll(async () => await emulator.stop());

	it('reads each of 24 tasks a few times in all, never with a summary of every task', async () => {
		const items = Array.from({ length: 24 }, (_, i) => ({ json: { prompt: `item ${i}` } }));
		const result = await run(
			emulator,
			[
				createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }),
				waitFor('Wait'),
				getResults('Results'),
			],
			{
				inputItems: items,
			},
		);
		expect(result.status).toBe('success');
		expect(result.outputOf('Results')).toHaveLength(24);

		const progressReads = emulator.requests.filter((r) =>
			r.path.startsWith('/vapi/tasks/progress'),
		);
		// Per-task reads, or summaries filtered by flow and group: never one of everything the user ran.
		expect(
			progressReads.filter(
				(r) =>
					r.path === '/vapi/tasks/progress' ||
					(r.path === '/vapi/tasks/progress-summary' &&
						(!r.query.name || r.query.group_scope === '0')),
			),
		).toEqual([]);
		// Wait for Completion's first look at each (it did not create them), a look or two near each
		// one's end, and Get Results' read: far fewer than a read of every task on every tick. (How
		// many looks near the end depends on how far the machine's pace strays from the one learnt:
		// the bench counts them; here only the bound that holds at any speed.)
		const ticks = new Set(progressReads.map((r) => Math.round(r.receivedAt / 50))).size;
		expect(progressReads.length).toBeLessThan(ticks * 24);
	});

	it('creates and downloads a bounded number at a time, each task as soon as it is done, keeping the order of the items', async () => {
		emulator.clearRequests();
		const items = Array.from({ length: 12 }, (_, i) => ({ json: { prompt: `order ${i}` } }));
		const result = await run(
			emulator,
			[
				createTask(
					'Generate',
					'sdxl_lighting',
					{ prompt: '={{ $json.prompt }}' },
					{ concurrency: 3, downloadResults: true },
				),
			],
			{ inputItems: items },
		);
		expect(result.status).toBe('success');
		const files = result.outputOf('Generate');
		expect(files.map((f) => emulator.task(f.json.task_id as number)!.inputParams.prompt)).toEqual(
			items.map((i) => i.json.prompt),
		);
		expect(files.map((f) => f.pairedItem)).toEqual(items.map((_, item) => ({ item })));

		// Files are fetched as each task completes, not after the last one.
		const completedAt = files.map(
			(f) =>
				emulator.task(f.json.task_id as number)!.progressHistory.find((e) => e.progress >= 100)!.at,
		);
		const firstDownload = Math.min(
			...emulator.requests.filter((r) => r.path === '/vapi/tasks/results').map((r) => r.receivedAt),
		);
		expect(firstDownload).toBeLessThan(Math.max(...completedAt));

		for (const [method, path] of [
			['PUT', '/vapi/tasks/create/sdxl_lighting'],
			['GET', '/vapi/tasks/results'],
		]) {
			const requests = emulator.requests.filter((r) => r.method === method && r.path === path);
			expect(requests).toHaveLength(12);
			const peak = Math.max(
				...requests.map(
					(r) =>
						requests.filter(
							(o) => o.receivedAt <= r.receivedAt && (o.finishedAt ?? Infinity) > r.receivedAt,
						).length,
				),
			);
			expect({ path, peakAtMostThree: peak <= 3 }).toEqual({ path, peakAtMostThree: true });
		}
	});
});

describe('a big result file', () => {
	const FILE_BYTES = 128 * 1024 * 1024;
	let emulator: VisionatrixEmulator;
	beforeAll(async () => {
		emulator = await startEmulator({ taskDurationMs: 50, outputBytes: FILE_BYTES });
	});
	afterAll(async () => await emulator.stop());

	it("streams into n8n's binary store: the node never holds the whole file in memory", async () => {
		// Create and wait first: the emulator holds the finished file in this same process.
		const created = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'big' }, { waitForCompletion: true }),
		]);
		const taskId = created.outputOf('Generate')[0].json.task_id;

		const baseline = process.memoryUsage().arrayBuffers;
		let peak = baseline;
		const sampler = setInterval(
			() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)),
			5,
		);
		const result = await run(emulator, [getResults('Results', { taskId: String(taskId) })], {
			binaryDataMode: 'filesystem',
		});
		clearInterval(sampler);

		expect(result.status).toBe('success');
		const [file] = result.outputOf('Results');
		expect(file.json.file_size).toBe((await result.binaryOf('Results', 0)).length);
		expect(file.json.file_size).toBeGreaterThanOrEqual(FILE_BYTES);
		// Holding the file would add at least its 128 MB of buffers; a stream adds only the chunks
		// not yet collected (V8 collects them once about 64 MB have piled up).
		expect(peak - baseline).toBeLessThan(FILE_BYTES * 0.75);
	}, 120_000);
});

/**
 * A pass-through proxy in front of the emulator that leaves the body of the requests `holds`
 * picks unread for `holdMs`, as a busy server does: meanwhile the client can send only what the
 * connection's buffers take.
 */
async function startHoldingProxy(
	target: string,
	holds: (request: IncomingMessage) => boolean,
	holdMs: number,
) {
	const heldAt: number[] = [];
	const server: Server = createServer((incoming, answer) => {
		const forward = () => {
			const upstream = request(
				`${target}${incoming.url}`,
				{ method: incoming.method, headers: incoming.headers },
				(reply) => {
					answer.writeHead(reply.statusCode ?? 502, reply.headers);
					reply.pipe(answer);
				},
			);
			upstream.on('error', () => answer.destroy());
			incoming.pipe(upstream);
		};
		if (!holds(incoming)) return forward();
		heldAt.push(Date.now());
		setTimeout(forward, holdMs);
	});
	await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		heldAt,
		stop: async () => await new Promise<void>((closed) => server.close(() => closed())),
	};
}

describe('a big input file', () => {
	const FILE_BYTES = 128 * 1024 * 1024;
	const HOLD_MS = 1500;
	let producer: VisionatrixEmulator;
	let receiver: VisionatrixEmulator;
	let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
	beforeAll(async () => {
		producer = await startEmulator({ taskDurationMs: 50, outputBytes: FILE_BYTES });
		// The uploaded task never runs within the test: only what reaches the server counts.
		receiver = await startEmulator({ taskDurationMs: 600_000 });
		proxy = await startHoldingProxy(receiver.url, (r) => r.method === 'PUT', HOLD_MS);
	});
	afterAll(async () => {
		await proxy.stop();
		await Promise.all([producer.stop(), receiver.stop()]);
	});

	it("uploads from n8n's binary store as the server reads it, never holding the whole file", async () => {
		const produced = await run(
			producer,
			[createTask('Generate', 'sdxl_lighting', { prompt: 'big' }, { downloadResults: true })],
			{
				binaryDataMode: 'filesystem',
			},
		);
		expect(produced.status).toBe('success');
		const [image] = produced.outputOf('Generate');
		expect(image.binary!.data.id).toBeDefined();

		const baseline = process.memoryUsage();
		const samples: Array<{ at: number; usage: NodeJS.MemoryUsage }> = [];
		const sampler = setInterval(
			() => samples.push({ at: Date.now(), usage: process.memoryUsage() }),
			5,
		);
		const result = await run(
			receiver,
			[createTask('Remove Background', 'remove_background_birefnet', { input_image: 'data' })],
			{
				binaryDataMode: 'filesystem',
				inputItems: [{ json: {}, binary: image.binary }],
				credential: { ...credentialFor(receiver), baseUrl: `${proxy.url}/` },
			},
		);
		clearInterval(sampler);

		expect(result.status).toBe('success');
		expect(proxy.heldAt).toHaveLength(1);
		// While the server leaves the body unread, the node holds no more than a few chunks of it,
		// neither as Buffers nor elsewhere: reading the file into memory first (or a client that keeps
		// the body to re-send it along a redirect) would add most of its 128 MB.
		const [heldAt] = proxy.heldAt;
		const whileHeld = samples
			.filter((s) => s.at >= heldAt && s.at <= heldAt + HOLD_MS)
			.map((s) => s.usage);
		expect(whileHeld.length).toBeGreaterThan(10);
		const growth = (of: 'rss' | 'arrayBuffers') =>
			Math.max(...whileHeld.map((usage) => usage[of])) - baseline[of];
		expect({
			rss: growth('rss') < FILE_BYTES / 8,
			arrayBuffers: growth('arrayBuffers') < FILE_BYTES / 8,
		}).toEqual({ rss: true, arrayBuffers: true });

		// And every byte arrived, as the file it was.
		const taskId = result.outputOf('Remove Background')[0].json.task_id as number;
		const [received] = receiver.task(taskId)!.inputFiles;
		const sent = await produced.binaryOf('Generate', 0);
		expect({ size: received.data.length, sha256: sha256(received.data) }).toEqual({
			size: sent.length,
			sha256: sha256(sent),
		});
		expect(receiver.requests.find((r) => r.method === 'PUT')!.formFields).toEqual([
			{
				name: 'input_image',
				filename: image.binary!.data.fileName,
				contentType: image.binary!.data.mimeType,
				size: sent.length,
			},
		]);
	}, 120_000);
});
