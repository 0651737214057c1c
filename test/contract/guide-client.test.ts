/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@typescript-eslint/no-explicit-any
	-- test code, run by Node.js and never shipped */
/**
 * The vendor guide's client, end to end against the emulator's own workers: create a task with a
 * multipart PUT, poll its progress until 100, then download every output.
 */
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { makePng, pngInfo, pngRgba, zipEntries } from '../fixtures/media';
import { VisionatrixTestClient, type FieldValue } from './client';
import { shapeOf } from './expectations';

const ALICE = { username: 'alice', password: 'alice' };

let emulator: VisionatrixEmulator;
let alice: VisionatrixTestClient;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 60, workers: 2 });
	alice = new VisionatrixTestClient(emulator.url, '/vapi', ALICE);
});

afterAll(async () => {
	await emulator?.stop();
});

beforeEach(() => {
	emulator.configure({ taskDurationMs: 60, workers: 2 });
});

async function create(flow: string, fields: Array<[string, FieldValue]>): Promise<number[]> {
	const response = await alice.createTask(flow, fields);
	expect(response.status).toBe(200);
	return response.json().tasks_ids;
}

async function result(taskId: number, nodeId: number, batchIndex?: number) {
	const query: Record<string, number> = { task_id: taskId, node_id: nodeId };
	if (batchIndex !== undefined) query.batch_index = batchIndex;
	return alice.get('/tasks/results', { query });
}

describe('a client following the getting-started guide', () => {
	test('creates an SDXL Lighting task, polls it to 100 and saves a real PNG for each output', async () => {
		const [taskId] = await create('sdxl_lighting', [
			['prompt', 'A beautiful sunset over the mountains'],
			['steps_number', '8 steps'],
		]);
		const details = await alice.waitForTask(taskId);
		expect(details).toMatchObject({ progress: 100, error: '', name: 'sdxl_lighting' });
		expect(details.locked_at).toBeNull();
		expect(details.finished_at).toEqual(expect.any(String));
		expect(details.execution_time).toBeGreaterThan(0);
		expect(details.outputs).toEqual([
			{ comfy_node_id: 9, type: 'image', file_size: expect.any(Number), batch_size: 1 },
		]);
		for (const output of details.outputs) {
			const response = await result(taskId, output.comfy_node_id);
			expect(response.status).toBe(200);
			expect(response.headers['content-type']).toBe('image/png');
			expect(response.headers['content-disposition']).toBe(
				`attachment; filename="${taskId}_9_00001.png"`,
			);
			expect(Number(response.headers['content-length'])).toBe(output.file_size);
			expect(pngInfo(response.body)).toMatchObject({ width: 64, height: 64, bitDepth: 8 });
		}
	});

	test('progress goes from queued through running values to 100, and the task details keep their shape', async () => {
		emulator.configure({ taskDurationMs: 400, workers: 1 });
		const [taskId] = await create('sdxl_lighting', [['prompt', 'slow']]);
		const seen = new Set<number>();
		let details: Record<string, any> = {};
		let firstShape: unknown;
		const varying = {
			locked_at: null,
			worker_id: null,
			updated_at: null,
			finished_at: null,
			execution_details: null,
		};
		while (!(details.progress >= 100)) {
			details = (await alice.get(`/tasks/progress/${taskId}`)).json();
			firstShape ??= shapeOf({ ...details, ...varying });
			seen.add(details.progress);
			await new Promise((resolve) => setTimeout(resolve, 15));
		}
		expect([...seen].filter((value) => value > 0 && value < 100)).toEqual(
			expect.arrayContaining([10, 55.5]),
		);
		expect(shapeOf({ ...details, ...varying })).toEqual(firstShape);
		expect(emulator.task(taskId)!.progressHistory.map((event) => event.progress)).toEqual([
			10, 55.5, 100,
		]);
	});

	test('the same prompt and seed give the same image; another prompt gives another one', async () => {
		const ids = [
			...(await create('sdxl_lighting', [
				['prompt', 'a red fox'],
				['seed', '5'],
			])),
			...(await create('sdxl_lighting', [
				['prompt', 'a red fox'],
				['seed', '5'],
			])),
			...(await create('sdxl_lighting', [
				['prompt', 'a blue whale'],
				['seed', '5'],
			])),
		];
		const images = [];
		for (const id of ids) {
			await alice.waitForTask(id);
			images.push((await result(id, 9)).body);
		}
		expect(images[0].equals(images[1])).toBe(true);
		expect(images[0].equals(images[2])).toBe(false);
	});

	test('batch_size 3 yields three images, each by index and all together as a ZIP', async () => {
		const [taskId] = await create('sdxl_lighting', [
			['prompt', 'three cats'],
			['batch_size', '3'],
		]);
		const details = await alice.waitForTask(taskId);
		expect(details.outputs[0].batch_size).toBe(3);
		const files = [];
		for (const index of [0, 1, 2]) {
			const response = await result(taskId, 9, index);
			expect(response.headers['content-disposition']).toBe(
				`attachment; filename="${taskId}_9_0000${index + 1}.png"`,
			);
			files.push(response.body);
		}
		expect(new Set(files.map((file) => file.toString('base64'))).size).toBe(3);
		expect(details.outputs[0].file_size).toBe(files.reduce((sum, file) => sum + file.length, 0));
		const zip = await result(taskId, 9, -1);
		expect(zip.headers['content-disposition']).toBe(`attachment; filename=${taskId}_9_results.zip`);
		expect(zipEntries(zip.body).map((entry) => [entry.name, entry.method, entry.data])).toEqual(
			files.map((file, index) => [`${taskId}_9_0000${index + 1}_.png`, 0, file]),
		);
		expect((await result(taskId, 9, 3)).status).toBe(404);
	});

	test('Remove Background returns the uploaded picture as RGBA with a transparent background', async () => {
		const picture = makePng(40, 30, (x, y) =>
			x >= 10 && x < 30 && y >= 8 && y < 22 ? [200, 30, 30] : [250, 250, 250],
		);
		const [taskId] = await create('remove_background_birefnet', [
			['input_image', { data: picture, filename: 'image.png', contentType: 'image/png' }],
		]);
		const details = await alice.waitForTask(taskId);
		expect(details.input_files).toEqual([
			{ file_name: `${taskId}_input_image.png`, file_size: picture.length },
		]);
		const response = await result(taskId, 13);
		expect(response.headers['content-type']).toBe('image/png');
		const info = pngInfo(response.body);
		expect(info).toMatchObject({ width: 40, height: 30, colorType: 6 });
		const { rgba } = pngRgba(response.body);
		const alphaAt = (x: number, y: number) => rgba[(y * 40 + x) * 4 + 3];
		expect(alphaAt(0, 0)).toBe(0);
		expect(alphaAt(20, 15)).toBe(255);
		expect([...rgba.subarray((15 * 40 + 20) * 4, (15 * 40 + 20) * 4 + 3)]).toEqual([200, 30, 30]);
	});

	test("an image input can be another task's result or another task's input, without re-uploading", async () => {
		const [sourceId] = await create('sdxl_lighting', [['prompt', 'source picture']]);
		await alice.waitForTask(sourceId);
		const sourceImage = (await result(sourceId, 9)).body;
		const [childId] = await create('remove_background_birefnet', [
			['input_image', JSON.stringify({ task_id: sourceId, node_id: 9 })],
			['child_task', '1'],
		]);
		const child = await alice.waitForTask(childId);
		expect(child).toMatchObject({ parent_task_id: sourceId, parent_task_node_id: 9 });
		expect(child.input_files).toEqual([
			{ file_name: `${childId}_input_image.png`, file_size: sourceImage.length },
		]);
		const parent = (await alice.get(`/tasks/progress/${sourceId}`)).json();
		expect(parent.child_tasks.map((task: { task_id: number }) => task.task_id)).toEqual([childId]);

		const [againId] = await create('remove_background_birefnet', [
			['input_image', JSON.stringify({ task_id: childId, input_index: 0 })],
		]);
		expect((await alice.waitForTask(againId)).input_files[0].file_size).toBe(sourceImage.length);

		expect((await alice.delete('/tasks/task', { query: { task_id: sourceId } })).status).toBe(204);
		expect((await alice.get(`/tasks/progress/${childId}`)).status).toBe(404);
	});

	test('audio, animated video and text outputs come with their own file types', async () => {
		const [audio] = await create('stable_audio_open', [
			['prompt', 'drums'],
			['seed', '3'],
		]);
		const [video] = await create('ltxv_txt2video', [
			['prompt', 'waves'],
			['seed', '3'],
		]);
		const [text] = await create('ask_ai_internal', [['prompt', 'hello my dear friend']]);
		for (const id of [audio, video, text]) expect((await alice.waitForTask(id)).error).toBe('');

		const flac = await result(audio, 13);
		expect(flac.headers['content-type']).toBe('audio/flac');
		expect(flac.headers['content-disposition']).toBe(
			`attachment; filename="${audio}_13_00001.flac"`,
		);
		expect(flac.body.subarray(0, 4).toString('latin1')).toBe('fLaC');

		const webp = await result(video, 41);
		expect(webp.headers['content-type']).toBe('image/webp');
		expect(webp.body.toString('latin1', 0, 4)).toBe('RIFF');
		expect(webp.body.toString('latin1', 8, 16)).toBe('WEBPVP8X');
		expect(webp.body.readUInt32LE(4)).toBe(webp.body.length - 8);

		const answer = await result(text, 54);
		expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
		// pysssss' SaveText writes the one file Visionatrix names, {task_id}_{node_id}_.txt.
		expect(answer.headers['content-disposition']).toBe(`attachment; filename="${text}_54.txt"`);
		expect(zipEntries((await result(text, 54, -1)).body).map((entry) => entry.name)).toEqual([
			`${text}_54_.txt`,
		]);
		expect(answer.text()).toContain('hello my dear friend');
		expect((await alice.get(`/tasks/progress/${text}`)).json().hidden).toBe(true);
	});

	test('count=2 creates two consecutive tasks whose seeds go up by one, and both complete', async () => {
		const ids = await create('sdxl_lighting', [
			['prompt', 'twins'],
			['seed', '100'],
			['count', '2'],
		]);
		expect(ids[1]).toBe(ids[0] + 1);
		const [first, second] = [await alice.waitForTask(ids[0]), await alice.waitForTask(ids[1])];
		expect([first.input_params.seed, second.input_params.seed]).toEqual([100, 101]);
		expect([first.progress, second.progress]).toEqual([100, 100]);
	});

	test('workers take the highest priority first, then the oldest task', async () => {
		emulator.configure({ workers: 0 });
		const low = (await create('sdxl_lighting', [['prompt', 'p0']]))[0];
		const midA = (
			await create('sdxl_lighting', [
				['prompt', 'p5a'],
				['priority', '5'],
			])
		)[0];
		const midB = (
			await create('sdxl_lighting', [
				['prompt', 'p5b'],
				['priority', '5'],
			])
		)[0];
		const top = (
			await create('sdxl_lighting', [
				['prompt', 'p15'],
				['priority', '15'],
			])
		)[0];
		expect(
			(await alice.putJson('/tasks/update', { priority: 9 }, { query: { task_id: low } })).status,
		).toBe(204);
		emulator.configure({ workers: 1, taskDurationMs: 20 });
		for (const id of [low, midA, midB, top]) await alice.waitForTask(id);
		const order = [low, midA, midB, top].sort(
			(a, b) => emulator.task(a)!.startedAt! - emulator.task(b)!.startedAt!,
		);
		expect(order).toEqual([top, low, midA, midB]);
	});

	test('a task that fails reports its error at 55.5, and a restart runs it again to completion', async () => {
		emulator.failNextTasks(1, 'CUDA out of memory');
		const [taskId] = await create('sdxl_lighting', [['prompt', 'doomed']]);
		const failed = await alice.waitForTask(taskId);
		expect(failed).toMatchObject({
			progress: 55.5,
			error: 'CUDA out of memory',
			finished_at: null,
			locked_at: null,
		});
		expect((await result(taskId, 9)).status).toBe(400);
		expect((await alice.post('/tasks/restart', { query: { task_id: taskId } })).status).toBe(204);
		expect(await alice.waitForTask(taskId)).toMatchObject({ progress: 100, error: '' });
	});

	test('cancelling a running task stops it and frees the worker for the next one', async () => {
		emulator.configure({ workers: 1, taskDurationMs: 5000 });
		const [slow] = await create('sdxl_lighting', [['prompt', 'slow']]);
		const [next] = await create('sdxl_lighting', [['prompt', 'next']]);
		while (emulator.task(slow)!.state !== 'running')
			await new Promise((resolve) => setTimeout(resolve, 5));
		emulator.configure({ taskDurationMs: 40 });
		expect((await alice.delete(`/tasks/queue/${slow}`)).status).toBe(204);
		expect(emulator.task(slow)).toBeUndefined();
		expect((await alice.waitForTask(next, 25, 3000)).progress).toBe(100);
	});

	test('a form without files may also be sent urlencoded', async () => {
		const response = await alice.request(
			'PUT',
			'/tasks/create/sdxl_lighting',
			'prompt=plain+form&seed=9',
			{
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			},
		);
		expect(response.status).toBe(200);
		const [taskId] = response.json().tasks_ids;
		expect((await alice.waitForTask(taskId)).input_params).toEqual({
			prompt: 'plain form',
			seed: 9,
		});
	});

	test('an unknown list key or an unparsable bool is a plain 500 that still uses up a task id', async () => {
		const [before] = await create('sdxl_lighting', [['prompt', 'before']]);
		const badList = await alice.createTask('sdxl_lighting', [
			['prompt', 'x'],
			['steps_number', '9 steps'],
		]);
		const badBool = await alice.createTask('ask_ai_internal', [
			['prompt', 'x'],
			['use_gemini', 'maybe'],
		]);
		const badHeaders = await alice.createTask('sdxl_lighting', [
			['prompt', 'x'],
			['webhook_headers', '{oops'],
		]);
		for (const response of [badList, badBool, badHeaders]) {
			expect(response.status).toBe(500);
			expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
			expect(response.text()).toBe('Internal Server Error');
		}
		const [after] = await create('sdxl_lighting', [['prompt', 'after']]);
		expect(after).toBe(before + 3); // two ids used by the 500s after flow lookup, none by bad headers
	});

	test("a number a flow's ComfyUI node cannot take is a 400 Bad Flow that still uses up a task id", async () => {
		const [before] = await create('sdxl_lighting', [['prompt', 'before']]);
		const refused = [
			// Batch size is a whole number (INT): Python's int() takes neither a fraction nor "2.0".
			await alice.createTask('sdxl_lighting', [
				['prompt', 'x'],
				['batch_size', '1.5'],
			]),
			await alice.createTask('sdxl_lighting', [
				['prompt', 'x'],
				['batch_size', '2.0'],
			]),
			// Prompt strength is a FLOAT: words are refused, fractions are not.
			await alice.createTask('stable_audio_open', [
				['prompt', 'x'],
				['prompt_strength', 'strong'],
			]),
		];
		for (const response of refused) {
			expect(response.status).toBe(400);
			expect(response.json()).toEqual({
				detail:
					"Bad Flow: `{'type': 'prompt_outputs_failed_validation', 'message': 'Prompt outputs failed validation', 'details': '', 'extra_info': {}}`",
			});
		}
		const [whole, fraction, after] = [
			await create('sdxl_lighting', [
				['prompt', 'x'],
				['batch_size', ' 2 '],
			]),
			await create('stable_audio_open', [
				['prompt', 'x'],
				['prompt_strength', '2.5'],
			]),
			await create('sdxl_lighting', [['prompt', 'after']]),
		].map(([id]) => id);
		expect([whole, fraction, after]).toEqual([before + 4, before + 5, before + 6]);
		expect((await alice.waitForTask(whole)).outputs[0].batch_size).toBe(2);
	});

	test('results can be made large for download tests', async () => {
		emulator.configure({ outputBytes: 300_000 });
		try {
			const [taskId] = await create('sdxl_lighting', [['prompt', 'big']]);
			await alice.waitForTask(taskId);
			const response = await result(taskId, 9);
			expect(response.body.length).toBeGreaterThanOrEqual(300_000);
			expect(pngInfo(response.body)).toMatchObject({ width: 64, height: 64 });
		} finally {
			emulator.configure({ outputBytes: 0 });
		}
	});
});
