import { builtInFlows, startEmulator, type VisionatrixEmulator } from '../emulator';
import { SET_BINARY_TYPE } from '../harness';
import { EVERY_TYPE_FLOW } from './everyTypeFlow';
import { createTask, getResults, jsonOf, pngFacts, run, visionatrix, waitFor } from './visionatrix';

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({
		taskDurationMs: 120,
		workers: 2,
		flows: [...builtInFlows, EVERY_TYPE_FLOW],
	});
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.clearRequests());

const lastCreate = () =>
	emulator.requests
		.filter((r) => r.method === 'PUT' && r.path.startsWith('/vapi/tasks/create/'))
		.at(-1);
const png = (name: string) => ({
	name,
	type: SET_BINARY_TYPE,
	parameters: {
		propertyName: 'photo',
		fileName: 'photo.png',
		mimeType: 'image/png',
		base64: SMALL_PNG,
	},
});
// 2×1 RGB PNG.
const SMALL_PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAd/gL+wFLqrQAAAABJRU5ErkJggg==';

describe('typed flow inputs', () => {
	it('sends each type the way the server reads it: numbers as text, the list key, true/false, files and references', async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'a mask' }, { waitForCompletion: true }),
			png('Photo'),
			createTask('Create', 'every_input_type', {
				prompt: 'a quiet harbour',
				strength: 0.75,
				width: 1024,
				scale: 2.5,
				style: 'anime-v2', // the option's value: sent as its key
				upscale: true,
				source: 'photo',
				mask: `={{ JSON.stringify({ task_id: $('Generate').item.json.task_id, node_id: 9 }) }}`,
			}),
		]);
		const maskTask = result.outputOf('Generate')[0].json.task_id;
		expect(result.error?.message).toBeUndefined();
		expect(lastCreate()!.formFields).toEqual([
			{ name: 'prompt', value: 'a quiet harbour' },
			{ name: 'strength', value: '0.75' },
			{ name: 'width', value: '1024' },
			{ name: 'scale', value: '2.5' },
			{ name: 'style', value: 'Anime' },
			{ name: 'upscale', value: 'true' },
			{
				name: 'source',
				filename: 'photo.png',
				contentType: 'image/png',
				size: Buffer.from(SMALL_PNG, 'base64').length,
			},
			{ name: 'mask', value: `{"task_id":${maskTask},"node_id":9}` },
		]);
	});

	it.each([
		[
			{ width: 4096 },
			"Input 'Width' (width) of flow 'every_input_type' must be between 64 and 2048, not 4096",
		],
		[
			{ strength: 'strong' },
			"Input 'Strength' (strength) of flow 'every_input_type' must be a number, not 'strong'",
		],
		[
			{ upscale: 'maybe' },
			"Input 'Upscale' (upscale) of flow 'every_input_type' must be true or false, not 'maybe'",
		],
		[{ style: 'Oil' }, "Input 'Style' (style) of flow 'every_input_type' has no option 'Oil'"],
		[{ source: '' }, "Input 'Source' (source) of flow 'every_input_type' is required"],
		[{ colour: 'red' }, "Flow 'every_input_type' has no input 'colour'"],
		[{ seed: 7 }, "Flow 'every_input_type' does not support 'Seed'"],
	])('refuses %j before sending: %s', async (change, message) => {
		const result = await run(emulator, [
			png('Photo'),
			createTask('Create', 'every_input_type', { prompt: 'x', source: 'photo', ...change }),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(`${message} [item 0]`);
		expect(lastCreate()).toBeUndefined();
	});

	it('takes seed and count where the flow supports them: count creates consecutive tasks with consecutive seeds', async () => {
		const result = await run(emulator, [
			createTask('Create', 'sdxl_lighting', { prompt: 'x', seed: 100, count: 3 }),
		]);
		expect(result.status).toBe('success');
		const ids = jsonOf(result.outputOf('Create')).map((c) => c.task_id as number);
		expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
		expect(ids.map((id) => emulator.task(id)!.inputParams.seed)).toEqual([100, 101, 102]);
	});

	it('takes inputs by name for a flow chosen by expression', async () => {
		const result = await run(
			emulator,
			[
				visionatrix('Create', {
					operation: 'create',
					flow: { __rl: true, mode: 'name', value: '={{ $json.flow }}' },
					inputs: {
						input: [
							{ name: 'prompt', value: '={{ $json.prompt }}' },
							{ name: 'steps_number', value: '4 steps' },
						],
					},
				}),
			],
			{ inputItems: [{ json: { flow: 'sdxl_lighting', prompt: 'by name' } }] },
		);
		expect(result.status).toBe('success');
		expect(lastCreate()!.formFields).toEqual([
			{ name: 'prompt', value: 'by name' },
			{ name: 'steps_number', value: '4 steps' },
		]);
	});

	it("chains flows by reference: the second task reads the first task's output on the server, nothing re-uploaded", async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'a teapot' }, { waitForCompletion: true }),
			createTask(
				'Cut Out',
				'remove_background_birefnet',
				{ input_image: '={{ JSON.stringify({ task_id: $json.task_id, node_id: 9 }) }}' },
				{ downloadResults: true },
			),
		]);
		expect(result.status).toBe('success');
		const generated = jsonOf(result.outputOf('Generate'))[0];
		expect(lastCreate()!.formFields).toEqual([
			{ name: 'input_image', value: JSON.stringify({ task_id: generated.task_id, node_id: 9 }) },
		]);
		expect(pngFacts(await result.binaryOf('Cut Out', 0)).hasAlpha).toBe(true);
	});
});

describe('one node, whole job', () => {
	it('Create Task with Download Results gives the same files as the three operations', async () => {
		const oneNode = await run(emulator, [
			createTask(
				'Create',
				'sdxl_lighting',
				{ prompt: 'same', seed: 5, batch_size: 2 },
				{ downloadResults: true },
			),
		]);
		const threeNodes = await run(emulator, [
			createTask('Create', 'sdxl_lighting', { prompt: 'same', seed: 5, batch_size: 2 }),
			waitFor('Wait'),
			getResults('Results'),
		]);

		expect(oneNode.status).toBe('success');
		const files = oneNode.outputOf('Create');
		const reference = threeNodes.outputOf('Results');
		const strip = (json: Record<string, unknown>) => ({
			...json,
			task_id: undefined,
			file_name: undefined,
		});
		expect(files.map((f) => strip(f.json))).toEqual(reference.map((f) => strip(f.json)));
		expect(await oneNode.binaryOf('Create', 1)).toEqual(await threeNodes.binaryOf('Results', 1));
		expect(files.map((f) => f.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('Create Task with Wait for Completion outputs the final state', async () => {
		const result = await run(emulator, [
			createTask('Create', 'sdxl_lighting', { prompt: 'x' }, { waitForCompletion: true }),
		]);
		expect(jsonOf(result.outputOf('Create'))[0]).toMatchObject({
			status: 'completed',
			progress: 100,
			name: 'sdxl_lighting',
		});
	});
});

describe('task management', () => {
	it('lists tasks filtered by flow and status', async () => {
		const made = await run(emulator, [
			png('Photo'),
			createTask(
				'Create',
				'remove_background_birefnet',
				{ input_image: 'photo' },
				{ waitForCompletion: true },
			),
		]);
		const taskId = jsonOf(made.outputOf('Create'))[0].task_id;
		const result = await run(emulator, [
			visionatrix('List', {
				operation: 'getMany',
				returnAll: true,
				filters: { name: 'remove_background_birefnet', status: ['completed'] },
			}),
		]);
		const listed = jsonOf(result.outputOf('List'));
		expect(listed.map((t) => t.task_id)).toContain(taskId);
		expect(
			listed.every((t) => t.name === 'remove_background_birefnet' && t.status === 'completed'),
		).toBe(true);
		expect(emulator.requests.at(-1)!.query).toEqual({ name: 'remove_background_birefnet' });
	});

	it('cancels a queued task, changes the priority of another, and deletes it', async () => {
		const paused = await startEmulator({ workers: 0 });
		try {
			const result = await run(paused, [
				createTask('Create', 'sdxl_lighting', { prompt: 'x', count: 2 }),
				visionatrix('Priority', {
					operation: 'setPriority',
					taskId: '={{ $json.task_id }}',
					priority: 9,
				}),
			]);
			expect(jsonOf(result.outputOf('Priority'))).toEqual([
				expect.objectContaining({ action: 'priority set', success: true }),
				expect.objectContaining({ action: 'priority set', success: true }),
			]);
			const [first, second] = jsonOf(result.outputOf('Create')).map((c) => c.task_id as number);
			expect(paused.task(first)!.priority).toBe(9);

			const cancel = await run(paused, [
				visionatrix('Cancel', { operation: 'cancel', taskId: String(first) }),
			]);
			expect(jsonOf(cancel.outputOf('Cancel'))).toEqual([
				{ task_id: first, action: 'cancelled', success: true },
			]);
			expect(paused.task(first)).toBeUndefined();

			const remove = await run(paused, [
				visionatrix('Delete', { operation: 'delete', taskId: String(second) }),
			]);
			expect(jsonOf(remove.outputOf('Delete'))).toEqual([
				{ task_id: second, action: 'deleted', success: true },
			]);
			const again = await run(paused, [
				visionatrix('Delete', { operation: 'delete', taskId: String(second) }),
			]);
			expect(again.error!.message).toBe(
				`Task ${second} was not found: it was cancelled or deleted on the Visionatrix server (or belongs to another user) [item 0]`,
			);
		} finally {
			await paused.stop();
		}
	});

	it("restarts a failed task, and refuses a finished one with the server's reason", async () => {
		emulator.failNextTasks(1);
		const failed = await run(emulator, [
			createTask('Create', 'sdxl_lighting', { prompt: 'x' }),
			{ ...waitFor('Wait'), continueOnFail: true },
		]);
		const taskId = jsonOf(failed.outputOf('Create'))[0].task_id as number;
		const restart = await run(emulator, [
			visionatrix('Restart', { operation: 'restart', taskId: String(taskId) }),
			waitFor('Wait'),
		]);
		expect(restart.status).toBe('success');
		expect(jsonOf(restart.outputOf('Wait'))[0]).toMatchObject({
			task_id: taskId,
			status: 'completed',
		});

		const refused = await run(emulator, [
			visionatrix('Restart', { operation: 'restart', taskId: String(taskId) }),
		]);
		expect(refused.error!.message).toBe(
			`Visionatrix could not restart task ${taskId}: Task \`${taskId}\` already finished. [item 0]`,
		);
	});
});

describe('resource Flow', () => {
	it('lists the installed flows with their inputs, hidden ones only when asked', async () => {
		const visible = await run(emulator, [
			visionatrix('Flows', { resource: 'flow', operation: 'getMany' }),
		]);
		const names = jsonOf(visible.outputOf('Flows')).map((f) => f.name);
		expect(names).toContain('sdxl_lighting');
		expect(names).not.toContain('ask_ai_internal');
		const all = await run(emulator, [
			visionatrix('Flows', { resource: 'flow', operation: 'getMany', includeHidden: true }),
		]);
		expect(jsonOf(all.outputOf('Flows')).map((f) => f.name)).toContain('ask_ai_internal');
	});

	it('gets one flow with its typed inputs and their choices', async () => {
		const result = await run(emulator, [
			visionatrix('Flow', {
				resource: 'flow',
				operation: 'get',
				flow: { __rl: true, mode: 'name', value: 'sdxl_lighting' },
			}),
		]);
		const [sdxl] = jsonOf(result.outputOf('Flow'));
		expect(sdxl).toMatchObject({
			name: 'sdxl_lighting',
			display_name: 'SDXL Lighting',
			is_seed_supported: true,
		});
		expect(sdxl.input_params).toContainEqual(
			expect.objectContaining({
				name: 'steps_number',
				type: 'list',
				options: ['4 steps', '8 steps'],
				default: '8 steps',
			}),
		);
	});
});
