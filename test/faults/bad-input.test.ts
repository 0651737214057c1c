/**
 * Bad input, several items at a time, through n8n's engine: each bad item gets a clear error of its
 * own and, under Continue On Fail, the other items go on. (test/integration/errors.test.ts has the
 * single-item forms of some of these; these are the ones it does not cover.)
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { encodePng, startEmulator, type VisionatrixEmulator } from '../emulator';
import {
	continuing,
	createTask,
	creates,
	credentialFor,
	getResults,
	requestsTo,
	run,
	sharedEmulator,
	visionatrix,
	waitFor,
} from './helpers';

let emulator: VisionatrixEmulator;
sharedEmulator({ taskDurationMs: 80, workers: 2 }, (started) => (emulator = started));

/** Create Task of remove_background_birefnet, its input image from binary field `data`, Continue On Fail on: the run succeeds; its items. */
async function cutOut(options: Parameters<typeof run>[2]) {
	const result = await run(
		emulator,
		[continuing(createTask('Cut', 'remove_background_birefnet', { input_image: 'data' }))],
		options,
	);
	expect(result.status).toBe('success');
	return result.outputOf('Cut');
}
/** Per output item: its error message, or what the check picks from a good item. */
const outcomes = (items: INodeExecutionData[], good: (item: INodeExecutionData) => unknown) =>
	items.map((item) => (item.error ? item.error.message : good(item)));

async function completedTasks(count: number): Promise<number[]> {
	const result = await run(
		emulator,
		[createTask('Generate', 'sdxl_lighting', { prompt: 'x' }, { waitForCompletion: true })],
		{
			inputItems: Array.from({ length: count }, () => ({ json: {} })),
		},
	);
	expect(result.status).toBe('success');
	return result.outputOf('Generate').map((item) => item.json.task_id as number);
}

describe('a Task ID that is not a number fails that item only', () => {
	it.each([
		['Wait for Completion', () => waitFor('Step'), (item: INodeExecutionData) => item.json.status],
		['Get Results', () => getResults('Step'), (item: INodeExecutionData) => item.json.file_name],
		[
			'Get Progress',
			() => visionatrix('Step', { operation: 'getProgress', taskId: '={{ $json.task_id }}' }),
			(item: INodeExecutionData) => item.json.status,
		],
	])('%s', async (_, node, good) => {
		const [first, second] = await completedTasks(2);
		emulator.clearRequests();
		const result = await run(emulator, [continuing(node())], {
			inputItems: [
				{ json: { task_id: first } },
				{ json: { task_id: 'abc' } },
				{ json: { task_id: second } },
			],
		});
		expect(result.status).toBe('success');
		const items = result.outputOf('Step');
		expect(outcomes(items, good)).toEqual([
			good(items[0]),
			"Parameter 'Task ID' must be a whole number, not 'abc' [item 1]",
			good(items[2]),
		]);
		expect(good(items[0])).toBeDefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// Nothing was asked about 'abc'.
		expect(
			emulator.requests.filter(
				(request) => request.path.includes('abc') || request.query.task_id === 'abc',
			),
		).toHaveLength(0);
	});
});

describe('Create Task, several items with one bad', () => {
	it('an unknown flow (by expression) fails its item; the catalog is read once and the others are created', async () => {
		const result = await run(
			emulator,
			[
				continuing(
					visionatrix('Generate', {
						operation: 'create',
						flow: { __rl: true, mode: 'name', value: '={{ $json.flow }}' },
						inputs: { input: [{ name: 'prompt', value: 'x' }] },
					}),
				),
			],
			{
				inputItems: ['sdxl_lighting', 'no_such_flow', 'sdxl_lighting'].map((flow) => ({
					json: { flow },
				})),
			},
		);
		expect(result.status).toBe('success');
		expect(outcomes(result.outputOf('Generate'), (item) => item.json.flow)).toEqual([
			'sdxl_lighting',
			"Flow 'no_such_flow' is not installed on this Visionatrix server [item 1]",
			'sdxl_lighting',
		]);
		expect(requestsTo(emulator, 'GET', '/flows/installed')).toHaveLength(1);
		expect(creates(emulator).map((request) => request.path)).toEqual([
			'/vapi/tasks/create/sdxl_lighting',
			'/vapi/tasks/create/sdxl_lighting',
		]);
	});

	it('a missing binary field is named with the fields each item has; the item that has it is uploaded', async () => {
		const png = encodePng({ width: 4, height: 3, data: Buffer.alloc(4 * 3 * 4, 200) });
		const file = { data: png.toString('base64'), mimeType: 'image/png', fileName: 'in.png' };
		const items = await cutOut({
			inputItems: [
				{ json: {}, binary: { data: file } },
				{ json: {} },
				{ json: {}, binary: { photo: file, scan: file } },
			],
		});
		expect(outcomes(items, (item) => item.json.flow)).toEqual([
			'remove_background_birefnet',
			"Input 'input_image' needs binary field 'data', which the incoming item does not have [item 1]",
			"Input 'input_image' needs binary field 'data', which the incoming item does not have [item 2]",
		]);
		expect(items[1].error?.description).toBe(
			'The item has no binary data. Connect a node that outputs a file (for example Get Results or Read Files from Disk), or give another task\'s output as {"task_id": 1, "node_id": 9}.',
		);
		expect(items[2].error?.description).toBe(
			'The item has the binary fields: photo, scan. Give one of them.',
		);
		expect(creates(emulator).map((request) => request.formFields)).toEqual([
			[{ name: 'input_image', filename: 'in.png', contentType: 'image/png', size: png.length }],
		]);
	});

	it("a file no longer in n8n's binary data store fails its item, named; the item whose file is there is uploaded from the store", async () => {
		const png = encodePng({ width: 4, height: 3, data: Buffer.alloc(4 * 3 * 4, 90) });
		const stored = { data: png.toString('base64'), mimeType: 'image/png', fileName: 'kept.png' };
		// What an item of a pruned execution carries: a reference to a file that is gone.
		const gone = {
			data: 'filesystem-v2',
			id: 'filesystem-v2:workflows/1/executions/404/binary_data/00000000-0000-4000-8000-000000000000',
			mimeType: 'image/png',
			fileName: 'gone.png',
		};
		const items = await cutOut({
			inputItems: [
				{ json: {}, binary: { data: stored } },
				{ json: {}, binary: { data: gone } },
			],
			binaryDataMode: 'filesystem',
		});
		expect(outcomes(items, (item) => item.json.flow)).toEqual([
			'remove_background_birefnet',
			expect.stringMatching(
				/^Input 'input_image': the file of binary field 'data' cannot be read from n8n's binary data \(.+\) \[item 1\]$/,
			),
		]);
		expect(items[1].error?.description).toBe(
			'The file is no longer stored, for example because the execution that made it was pruned. Run the node that produces the file again.',
		);
		expect(creates(emulator).map((request) => request.formFields)).toEqual([
			[{ name: 'input_image', filename: 'kept.png', contentType: 'image/png', size: png.length }],
		]);
		const [task] = emulator.tasks.slice(-1);
		expect(task.inputFiles.map((file) => file.data.equals(png))).toEqual([true]);
	});

	it('webhook headers that are a JSON array or not JSON fail their item before anything is sent; a JSON object goes through', async () => {
		const result = await run(
			emulator,
			[
				continuing(
					createTask(
						'Generate',
						'sdxl_lighting',
						{ prompt: 'x' },
						{ webhookUrl: 'http://127.0.0.1:9/hook', webhookHeaders: '={{ $json.headers }}' },
					),
				),
			],
			{
				inputItems: ['{"X-Token":"t1"}', '[1,2]', 'not-json{'].map((headers) => ({
					json: { headers },
				})),
			},
		);
		expect(result.status).toBe('success');
		const items = result.outputOf('Generate');
		expect(outcomes(items, (item) => item.json.flow)).toEqual([
			'sdxl_lighting',
			"Option 'Webhook Headers' must be a JSON object [item 1]",
			"Option 'Webhook Headers' is not valid JSON [item 2]",
		]);
		expect(items[1].error?.description).toBe(
			'Give the headers as a JSON object of names and values, for example {"X-Token": "secret"}.',
		);
		expect(creates(emulator)).toHaveLength(1);
		expect(emulator.task(items[0].json.task_id as number)!.webhookHeaders).toEqual({
			'X-Token': 't1',
		});
	});
});

describe('a Base URL the node cannot use is refused before anything is sent', () => {
	const cases = () => [
		{
			baseUrl: `localhost:${new URL(emulator.url).port}`,
			message: `The Base URL 'localhost:${new URL(emulator.url).port}' of the Visionatrix credential has no http:// or https://`,
			description: `Write it with its scheme, for example http://localhost:${new URL(emulator.url).port}.`,
		},
		{
			baseUrl: `${emulator.url}/vapi`,
			message: `The Base URL '${emulator.url}/vapi' of the Visionatrix credential has an API path or query in it`,
			description: `Set it to ${emulator.url} (plus the sub-path of a reverse proxy, if any) and choose the API Version: the node adds /vapi or /api itself.`,
		},
		{
			baseUrl: `${emulator.url}/api/`,
			message: `The Base URL '${emulator.url}/api/' of the Visionatrix credential has an API path or query in it`,
			description: `Set it to ${emulator.url} (plus the sub-path of a reverse proxy, if any) and choose the API Version: the node adds /vapi or /api itself.`,
		},
	];

	it.each([0, 1, 2])('case %i: Create, Get Results and Get Progress, each item', async (index) => {
		const { baseUrl, message, description } = cases()[index];
		const credential = { ...credentialFor(emulator), baseUrl };
		const steps = [
			createTask('Create', 'sdxl_lighting', { prompt: 'x' }),
			getResults('Results'),
			visionatrix('Progress', { operation: 'getProgress', taskId: '={{ $json.task_id }}' }),
		];
		for (const step of steps) {
			const result = await run(emulator, [continuing(step)], {
				credential,
				inputItems: [{ json: { task_id: 1 } }, { json: { task_id: 2 } }],
			});
			expect(result.status).toBe('success');
			const items = result.outputOf(step.name);
			// With Continue On Fail an item keeps the message (and its task_id, for the steps on a task).
			expect({
				step: step.name,
				messages: items.map((item) => String(item.json.error).replace(/ \[item \d\]$/, '')),
			}).toEqual({
				step: step.name,
				messages: [message, message],
			});
			if (step.name === 'Create')
				expect(items.map((item) => item.error?.description)).toEqual([description, description]);
			else expect(items.map((item) => item.json.task_id)).toEqual([1, 2]);
		}
		expect(emulator.requests).toHaveLength(0);
	});
	it('case 0: Wait for Completion under Continue On Fail gives each item the error', async () => {
		const { baseUrl, message } = cases()[0];
		const result = await run(emulator, [continuing(waitFor('Wait'))], {
			credential: { ...credentialFor(emulator), baseUrl },
			inputItems: [{ json: { task_id: 1 } }, { json: { task_id: 2 } }],
		});
		expect(result.outputOf('Wait').map((item) => item.json)).toEqual([
			{ task_id: 1, error: message },
			{ task_id: 2, error: message },
		]);
		expect(result.status).toBe('success');
		expect(emulator.requests).toHaveLength(0);
	});
});

describe('the wrong API Version (a legacy server, a credential for current ones)', () => {
	let legacy: VisionatrixEmulator;
	let taskIds: number[];
	const NO_ROUTE =
		/^Visionatrix has no route to get the progress of task \d+ \(404 Not Found\): the server probably speaks the other API generation/;

	beforeAll(async () => {
		legacy = await startEmulator({ apiVersion: 'legacy', taskDurationMs: 50 });
		const created = await run(legacy, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x' }, { waitForCompletion: true }),
		]);
		taskIds = created.outputOf('Generate').map((item) => item.json.task_id as number);
	});
	afterAll(async () => await legacy.stop());

	const current = () => credentialFor(legacy, undefined, 'current');

	it('Get Progress says which API Version to choose', async () => {
		const result = await run(
			legacy,
			[visionatrix('Progress', { operation: 'getProgress', taskId: String(taskIds[0]) })],
			{ credential: current() },
		);
		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(NO_ROUTE);
		expect((result.error as { description?: string }).description).toMatch(
			/set API Version to 'Legacy \(1\.6 and earlier\)'/,
		);
	});

	it('Wait for Completion says which API Version to choose, not that the task is gone', async () => {
		const result = await run(
			legacy,
			[visionatrix('Wait', { operation: 'waitForCompletion', taskId: String(taskIds[0]) })],
			{ credential: current() },
		);
		expect(result.status).toBe('error');
		expect(result.error!.message).not.toMatch(/cancelled or deleted/);
		expect(result.error!.message).toMatch(NO_ROUTE);
	});

	it('Get Results says which API Version to choose, not that the task is gone', async () => {
		const result = await run(
			legacy,
			[visionatrix('Results', { operation: 'getResults', taskId: String(taskIds[0]) })],
			{ credential: current() },
		);
		expect(result.status).toBe('error');
		expect(result.error!.message).not.toMatch(/cancelled or deleted/);
		expect(result.error!.message).toMatch(NO_ROUTE);
	});
});
