import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { createTask, getResults, run, waitFor } from './visionatrix';

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

	it('asks about all 24 tasks with one progress request per tick, never one per task', async () => {
		const items = Array.from({ length: 24 }, (_, i) => ({ json: { prompt: `item ${i}` } }));
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }), waitFor('Wait'), getResults('Results')], {
			inputItems: items,
		});
		expect(result.status).toBe('success');
		expect(result.outputOf('Results')).toHaveLength(24);

		const progressReads = emulator.requests.filter((r) => r.path.startsWith('/vapi/tasks/progress'));
		// One summary per tick while waiting, and one for Get Results: no request about a single task.
		expect(progressReads.every((r) => r.path === '/vapi/tasks/progress-summary' && r.query.group_scope === '0')).toBe(true);
		// The tasks took ceil(24 / 3) × 200 ms: a tick per task would be far more than this.
		expect(progressReads.length).toBeLessThan(24);
		// Requests never overlap: each tick waits for its answer.
		const sorted = [...progressReads].sort((a, b) => a.receivedAt - b.receivedAt);
		for (let i = 1; i < sorted.length; i++) expect(sorted[i].receivedAt).toBeGreaterThanOrEqual(sorted[i - 1].finishedAt!);
	});

	it('creates and downloads a bounded number at a time, each task as soon as it is done, keeping the order of the items', async () => {
		emulator.clearRequests();
		const items = Array.from({ length: 12 }, (_, i) => ({ json: { prompt: `order ${i}` } }));
		const result = await run(
			emulator,
			[createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }, { concurrency: 3, downloadResults: true })],
			{ inputItems: items },
		);
		expect(result.status).toBe('success');
		const files = result.outputOf('Generate');
		expect(files.map((f) => emulator.task(f.json.task_id as number)!.inputParams.prompt)).toEqual(items.map((i) => i.json.prompt));
		expect(files.map((f) => f.pairedItem)).toEqual(items.map((_, item) => ({ item })));

		// Files are fetched as each task completes, not after the last one.
		const completedAt = files.map((f) => emulator.task(f.json.task_id as number)!.progressHistory.find((e) => e.progress >= 100)!.at);
		const firstDownload = Math.min(...emulator.requests.filter((r) => r.path === '/vapi/tasks/results').map((r) => r.receivedAt));
		expect(firstDownload).toBeLessThan(Math.max(...completedAt));

		for (const [method, path] of [
			['PUT', '/vapi/tasks/create/sdxl_lighting'],
			['GET', '/vapi/tasks/results'],
		]) {
			const requests = emulator.requests.filter((r) => r.method === method && r.path === path);
			expect(requests).toHaveLength(12);
			const peak = Math.max(...requests.map((r) => requests.filter((o) => o.receivedAt <= r.receivedAt && (o.finishedAt ?? Infinity) > r.receivedAt).length));
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

	it('streams into n8n\'s binary store: the node never holds the whole file in memory', async () => {
		// Create and wait first: the emulator holds the finished file in this same process.
		const created = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'big' }, { waitForCompletion: true })]);
		const taskId = created.outputOf('Generate')[0].json.task_id;

		const baseline = process.memoryUsage().arrayBuffers;
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
		const result = await run(emulator, [getResults('Results', { taskId: String(taskId) })], { binaryDataMode: 'filesystem' });
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
