import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type VisionatrixEmulator } from '../emulator';
import {
	flow,
	getResults,
	inputs,
	jsonOf,
	pngFacts,
	run,
	visionatrix,
	waitFor,
} from './visionatrix';

/**
 * Create's Output (node version 1.1): Task IDs, Final State or Files, a top-level field in place of
 * version 1's Wait for Completion and Download Results options, which stored version 1 workflows
 * keep. Both versions run through n8n's execution engine against the emulator.
 */

let emulator: VisionatrixEmulator;
beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 100, workers: 2 });
});
afterAll(async () => await emulator.stop());

const createV11 = (name: string, parameters: INodeParameters) =>
	visionatrix(
		name,
		{
			operation: 'create',
			flow: flow('sdxl_lighting'),
			flowInputs: inputs({ prompt: 'a fox' }),
			...parameters,
		},
		{ typeVersion: 1.1 },
	);

const createV1 = (name: string, options: INodeParameters) =>
	visionatrix(name, {
		operation: 'create',
		flow: flow('sdxl_lighting'),
		flowInputs: inputs({ prompt: 'a fox' }),
		options,
	});

describe('Create 1.1: what it outputs is its Output field', () => {
	it('Files (the default): waits and outputs the files as binary data, as the three steps would', async () => {
		const result = await run(emulator, [createV11('Create', {})]);
		expect(result.status).toBe('success');
		const [file] = result.outputOf('Create');
		expect(file.json).toMatchObject({
			flow: 'sdxl_lighting',
			node_id: 9,
			type: 'image',
			mime_type: 'image/png',
		});
		expect(file.binary!.data).toMatchObject({ mimeType: 'image/png' });
		expect(pngFacts(await result.binaryOf('Create', 0)).width).toBeGreaterThan(0);
		expect(emulator.task(file.json.task_id as number)!.state).toBe('completed');
	});

	it('Files into another binary field, all files of a task in one item', async () => {
		const result = await run(emulator, [
			visionatrix(
				'Create',
				{
					operation: 'create',
					flow: flow('sdxl_lighting'),
					flowInputs: inputs({ prompt: 'kittens', batch_size: 2 }),
					output: 'files',
					options: { binaryPropertyName: 'image', allFilesInOneItem: true },
				},
				{ typeVersion: 1.1 },
			),
		]);
		const items = result.outputOf('Create');
		expect(items).toHaveLength(1);
		expect(Object.keys(items[0].binary!)).toEqual(['image_0', 'image_1']);
	});

	it('Final State: waits and outputs the final state, no files', async () => {
		const result = await run(emulator, [createV11('Create', { output: 'finalState' })]);
		const [state] = result.outputOf('Create');
		expect(state.json).toMatchObject({ status: 'completed', progress: 100, name: 'sdxl_lighting' });
		expect(state.binary).toBeUndefined();
	});

	it('Task IDs: queues and outputs the ids at once, for Wait for Completion and Get Results later', async () => {
		const result = await run(emulator, [
			createV11('Create', { output: 'taskIds' }),
			waitFor('Wait'),
			getResults('Results'),
		]);
		const [created] = jsonOf(result.outputOf('Create'));
		expect(created).toEqual({
			task_id: expect.any(Number),
			flow: 'sdxl_lighting',
			outputs: [{ comfy_node_id: 9, type: 'image' }],
		});
		expect(result.outputOf('Results')[0].json.task_id).toBe(created.task_id);
	});

	it("ignores version 1's Wait for Completion and Download Results options", async () => {
		const result = await run(emulator, [
			createV11('Create', {
				output: 'taskIds',
				options: { downloadResults: true, waitForCompletion: true },
			}),
		]);
		const [created] = result.outputOf('Create');
		expect(Object.keys(created.json).sort()).toEqual(['flow', 'outputs', 'task_id']);
		expect(created.binary).toBeUndefined();
	});
});

describe('Create 1: stored workflows keep what they did', () => {
	it('no options: outputs the task ids', async () => {
		const result = await run(emulator, [createV1('Create', {})]);
		expect(Object.keys(result.outputOf('Create')[0].json).sort()).toEqual([
			'flow',
			'outputs',
			'task_id',
		]);
	});

	it('Wait for Completion: outputs the final state', async () => {
		const result = await run(emulator, [createV1('Create', { waitForCompletion: true })]);
		expect(result.outputOf('Create')[0].json).toMatchObject({ status: 'completed', progress: 100 });
		expect(result.outputOf('Create')[0].binary).toBeUndefined();
	});

	it('Download Results: outputs the files', async () => {
		const result = await run(emulator, [
			createV1('Create', { downloadResults: true, binaryPropertyName: 'image' }),
		]);
		expect(result.outputOf('Create')[0].binary!.image).toMatchObject({ mimeType: 'image/png' });
	});

	it("has no Output field: a stray 'output' parameter changes nothing", async () => {
		const result = await run(emulator, [
			visionatrix('Create', {
				operation: 'create',
				flow: flow('sdxl_lighting'),
				flowInputs: inputs({ prompt: 'x' }),
				output: 'files',
				options: {},
			}),
		]);
		expect(result.outputOf('Create')[0].binary).toBeUndefined();
		expect(Object.keys(result.outputOf('Create')[0].json).sort()).toEqual([
			'flow',
			'outputs',
			'task_id',
		]);
	});
});

describe('Translate Prompt sends what the field shows', () => {
	const lastCreateFields = () =>
		emulator.requests
			.filter((r) => r.method === 'PUT' && r.path.startsWith('/vapi/tasks/create/'))
			.at(-1)!.formFields;
	it.each([
		["Server's Default", 'default', undefined],
		['On', 'on', '1'],
		['Off', 'off', '0'],
		// Version 1 workflows stored the toggle's boolean.
		['a stored toggle, on', true, '1'],
		['a stored toggle, off', false, '0'],
	])('%s: translate is %s on the wire', async (_, value, sent) => {
		const result = await run(emulator, [
			visionatrix(
				'Create',
				{
					operation: 'create',
					flow: flow('sdxl_lighting'),
					flowInputs: inputs({ prompt: 'un renard', translate: value }),
					output: 'taskIds',
				},
				{ typeVersion: 1.1 },
			),
		]);
		expect(result.status).toBe('success');
		const translate = lastCreateFields().filter((f) => f.name === 'translate');
		expect(translate).toEqual(sent === undefined ? [] : [{ name: 'translate', value: sent }]);
	});
});

describe('Inputs by Name in 1.1', () => {
	it('applies to a flow chosen by expression, whose fields the editor cannot show', async () => {
		const result = await run(emulator, [
			visionatrix(
				'Create',
				{
					operation: 'create',
					flow: { __rl: true, mode: 'name', value: "={{ 'sdxl_' + 'lighting' }}" },
					inputs: { input: [{ name: 'prompt', value: 'by name' }] },
					output: 'taskIds',
				},
				{ typeVersion: 1.1 },
			),
		]);
		expect(result.status).toBe('success');
		expect(
			emulator.task(result.outputOf('Create')[0].json.task_id as number)!.inputParams.prompt,
		).toBe('by name');
	});
});
