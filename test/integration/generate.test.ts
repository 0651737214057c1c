import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { createTask, getResults, jsonOf, pngFacts, run, visionatrix, waitFor } from './visionatrix';

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 150, workers: 2 });
});
afterAll(async () => await emulator.stop());

describe('a workflow that generates an image and removes its background', () => {
	it('creates a task, waits for it and hands its PNG to the next node', async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', {
				prompt: 'a red fox sitting in fresh snow',
				steps_number: '4 steps',
			}),
			waitFor('Wait'),
			getResults('Results'),
		]);

		expect(result.status).toBe('success');
		const [created] = jsonOf(result.outputOf('Generate'));
		expect(created).toEqual({
			task_id: expect.any(Number),
			flow: 'sdxl_lighting',
			// A queued task's file sizes are not known yet: the server's -1 is left out.
			outputs: [{ comfy_node_id: 9, type: 'image' }],
		});
		const [final] = jsonOf(result.outputOf('Wait'));
		expect(final).toMatchObject({
			task_id: created.task_id,
			status: 'completed',
			progress: 100,
			error: '',
		});
		expect(final).not.toHaveProperty('flow_comfy');

		const files = result.outputOf('Results');
		expect(files).toHaveLength(1);
		expect(files[0].json).toMatchObject({
			task_id: created.task_id,
			flow: 'sdxl_lighting',
			node_id: 9,
			batch_index: 0,
			type: 'image',
			file_name: `${created.task_id}_9_00001.png`,
			mime_type: 'image/png',
		});
		expect(files[0].binary!.data).toMatchObject({
			mimeType: 'image/png',
			fileExtension: 'png',
			fileName: `${created.task_id}_9_00001.png`,
		});
		expect(files[0].pairedItem).toEqual({ item: 0 });

		const png = await result.binaryOf('Results', 0);
		expect(png.length).toBe(files[0].json.file_size);
		expect(pngFacts(png)).toMatchObject({ width: expect.any(Number), hasAlpha: false });
		const task = emulator.task(created.task_id as number)!;
		expect(task.inputParams).toMatchObject({
			prompt: 'a red fox sitting in fresh snow',
			steps_number: '4 steps',
		});
	});

	it("removes the background of the previous step's image, uploaded from its binary data", async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'a lighthouse at dusk' }),
			waitFor('Wait'),
			getResults('Image'),
			createTask('Remove Background', 'remove_background_birefnet', { input_image: 'data' }),
			waitFor('Wait Again'),
			getResults('Cut Out', { binaryPropertyName: 'cutout' }),
		]);

		expect(result.status).toBe('success');
		const original = pngFacts(await result.binaryOf('Image', 0));
		const cutOut = result.outputOf('Cut Out');
		expect(cutOut).toHaveLength(1);
		expect(cutOut[0].binary).toHaveProperty('cutout');
		const facts = pngFacts(await result.binaryOf('Cut Out', 0, 'cutout'));
		expect(facts).toMatchObject({ width: original.width, height: original.height, hasAlpha: true });
		expect(facts.transparentPixels).toBeGreaterThan(0);

		const upload = emulator.requests.find(
			(r) => r.method === 'PUT' && r.path === '/vapi/tasks/create/remove_background_birefnet',
		)!;
		const imageUploaded = await result.binaryOf('Image', 0);
		expect(upload.formFields).toEqual([
			{
				name: 'input_image',
				filename: expect.stringMatching(/_9_00001\.png$/),
				contentType: 'image/png',
				size: imageUploaded.length,
			},
		]);
	});

	it('works on several items, each with its own task, files and pairing', async () => {
		const prompts = ['a cat', 'a dog', 'a bird'];
		const result = await run(
			emulator,
			[
				createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }),
				waitFor('Wait'),
				getResults('Results'),
			],
			{ inputItems: prompts.map((prompt) => ({ json: { prompt } })) },
		);

		expect(result.status).toBe('success');
		const created = jsonOf(result.outputOf('Generate'));
		expect(new Set(created.map((c) => c.task_id)).size).toBe(3);
		expect(created.map((c) => emulator.task(c.task_id as number)!.inputParams.prompt)).toEqual(
			prompts,
		);
		const files = result.outputOf('Results');
		expect(files.map((f) => f.json.task_id)).toEqual(created.map((c) => c.task_id));
		expect(files.map((f) => f.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const bytes = await Promise.all(files.map(async (_, i) => await result.binaryOf('Results', i)));
		expect(new Set(bytes.map((b) => b.toString('base64'))).size).toBe(3);
	});

	it('gets every file of a batch, one item per file or all in one item', async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'four kittens', batch_size: 3 }),
			waitFor('Wait'),
			getResults('Per File'),
			getResults('All In One', {
				taskId: "={{ $('Wait').item.json.task_id }}",
				options: { allFilesInOneItem: true },
			}),
		]);

		expect(result.status).toBe('success');
		const perFile = result.outputOf('Per File');
		expect(perFile.map((f) => f.json.batch_index)).toEqual([0, 1, 2]);
		expect(perFile.map((f) => f.json.file_name)).toEqual(
			[1, 2, 3].map((n) => `${perFile[0].json.task_id}_9_0000${n}.png`),
		);
		const [combined] = result.outputOf('All In One').slice(0, 1);
		expect(Object.keys(combined.binary!)).toEqual(['data_0', 'data_1', 'data_2']);
		expect((combined.json.files as Array<{ file_name: string }>).map((f) => f.file_name)).toEqual(
			perFile.map((f) => f.json.file_name),
		);
	});

	it('reports the progress of a task with a derived status, and its ComfyUI graph only when asked', async () => {
		const paused = await startEmulator({ workers: 0 });
		try {
			const result = await run(paused, [
				createTask('Generate', 'sdxl_lighting', { prompt: 'queued forever' }),
				visionatrix('Progress', { operation: 'getProgress', taskId: '={{ $json.task_id }}' }),
				visionatrix('Full', {
					operation: 'getProgress',
					taskId: '={{ $json.task_id }}',
					simplify: false,
				}),
			]);
			expect(result.status).toBe('success');
			const [progress] = jsonOf(result.outputOf('Progress'));
			expect(progress).toMatchObject({
				status: 'queued',
				progress: 0,
				error: '',
				name: 'sdxl_lighting',
			});
			expect(progress).not.toHaveProperty('flow_comfy');
			expect(jsonOf(result.outputOf('Full'))[0]).toHaveProperty('flow_comfy');
		} finally {
			await paused.stop();
		}
	});
});
