import { DEFAULT_FAILURE_MESSAGE, startEmulator, type VisionatrixEmulator } from '../emulator';
import { SET_BINARY_TYPE } from '../harness';
import {
	createTask,
	credentialFor,
	flow,
	getResults,
	run,
	visionatrix,
	waitFor,
} from './visionatrix';

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 150 });
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.clearRequests());

const creates = () =>
	emulator.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/vapi/tasks/create/'));

describe('errors that say what to do', () => {
	it('a wrong password: Visionatrix rejected the credentials, check them', async () => {
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })], {
			credential: credentialFor(emulator, { username: 'alice', password: 'wrong' }),
		});
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			'Visionatrix rejected the credentials while trying to list the installed flows (401 Not authenticated)',
		);
		expect((result.error as { description?: string }).description).toMatch(
			/Check the username and password of the Visionatrix credential/,
		);
		expect(JSON.stringify(result.error)).not.toContain('wrong');
	});

	it('a flow that is not installed is named, and no task is created for it', async () => {
		const result = await run(emulator, [
			visionatrix('Generate', {
				operation: 'create',
				flow: { __rl: true, mode: 'name', value: 'no_such_flow' },
				inputs: { input: [{ name: 'prompt', value: 'x' }] },
			}),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Flow 'no_such_flow' is not installed on this Visionatrix server [item 0]",
		);
		expect(creates()).toHaveLength(0);
	});

	it('a flow given By Name as its display name, or with a typo: the error names the flow id meant, and nothing is sent', async () => {
		for (const [typed, meant] of [
			['SDXL Lighting', 'sdxl_lighting (SDXL Lighting)'],
			['remove_backround_birefnet', 'remove_background_birefnet (Remove background (BiRefNet))'],
		]) {
			const result = await run(emulator, [createTask('Generate', typed, { prompt: 'x' }, {})]);
			expect(result.error!.message).toBe(
				`Flow '${typed}' is not installed on this Visionatrix server: did you mean ${meant}? [item 0]`,
			);
		}
		const get = await run(emulator, [
			visionatrix('Get', {
				resource: 'flow',
				operation: 'get',
				flow: flow('sdxl lighting', 'name'),
			}),
		]);
		expect(get.error!.message).toBe(
			"Flow 'sdxl lighting' is not installed on this Visionatrix server: did you mean sdxl_lighting (SDXL Lighting)? [item 0]",
		);
		expect(creates()).toHaveLength(0);
	});

	it('a list value the flow does not offer names the field and the choices, before anything is sent', async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x', steps_number: '12 steps' }),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Input 'Number of steps' (steps_number) of flow 'sdxl_lighting' has no option '12 steps' [item 0]",
		);
		expect((result.error as { description?: string }).description).toBe(
			'Choose one of: 4 steps, 8 steps.',
		);
		expect(creates()).toHaveLength(0);
	});

	it("a value the server rejects (422) comes back with the server's detail for the field", async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x' }, { priority: '={{ 99 }}' }),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Visionatrix could not create a task of flow 'sdxl_lighting': 'priority': Input should be less than or equal to 15 [item 0]",
		);
		expect(creates().map((r) => r.status)).toEqual([422]);
	});

	it('webhook headers that are not a JSON object are refused before the server sees them (it would answer 500)', async () => {
		const result = await run(emulator, [
			createTask(
				'Generate',
				'sdxl_lighting',
				{ prompt: 'x' },
				{ webhookUrl: 'http://127.0.0.1:9/hook', webhookHeaders: 'not-json{' },
			),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe("Option 'Webhook Headers' is not valid JSON [item 0]");
		expect(creates()).toHaveLength(0);
	});

	it('a missing binary field is named, with the fields the item has', async () => {
		const result = await run(emulator, [
			{
				name: 'File',
				type: SET_BINARY_TYPE,
				parameters: {
					propertyName: 'photo',
					fileName: 'a.png',
					mimeType: 'image/png',
					base64: Buffer.from('x').toString('base64'),
				},
			},
			createTask('Remove Background', 'remove_background_birefnet', { input_image: 'data' }),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Input 'input_image' needs binary field 'data', which the incoming item does not have [item 0]",
		);
		expect((result.error as { description?: string }).description).toBe(
			'The item has the binary fields: photo. Give one of them.',
		);
	});

	it("a task that fails on the server fails the wait with the server's message and the task id", async () => {
		emulator.failNextTasks(1);
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
			waitFor('Wait'),
		]);
		expect(result.status).toBe('error');
		const taskId = result.outputOf('Generate')[0].json.task_id;
		expect(result.error!.message).toBe(
			`Task ${taskId} failed on the Visionatrix server: ${DEFAULT_FAILURE_MESSAGE} [item 0]`,
		);
	});

	it('a task id that is not a number is refused for that item', async () => {
		const result = await run(emulator, [
			visionatrix('Progress', { operation: 'getProgress', taskId: 'abc' }),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Parameter 'Task ID' must be a whole number, not 'abc' [item 0]",
		);
		expect(emulator.requests).toHaveLength(0);
	});

	it('a task that does not exist: the wait fails at once', async () => {
		const result = await run(emulator, [
			visionatrix('Wait', { operation: 'waitForCompletion', taskId: '999999' }),
		]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			'Task 999999 was cancelled or deleted on the Visionatrix server (or belongs to another user) [item 0]',
		);
		expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'GET /vapi/tasks/progress/999999 404',
		]);
	});

	it('results of a task that is not done yet say to wait for it first', async () => {
		const paused = await startEmulator({ workers: 0 });
		try {
			const result = await run(paused, [
				createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
				getResults('Results'),
			]);
			expect(result.status).toBe('error');
			const taskId = result.outputOf('Generate')[0].json.task_id;
			expect(result.error!.message).toBe(
				`Task ${taskId} is not completed yet (queued, progress 0%): put a Visionatrix "Wait for Completion" step before Get Results [item 0]`,
			);
		} finally {
			await paused.stop();
		}
	});

	it('a wait that runs out of time says how far the task got', async () => {
		const slow = await startEmulator({ taskDurationMs: 60_000 });
		try {
			const result = await run(slow, [
				createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
				waitFor('Wait', { timeout: 1 }),
			]);
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(
				/^Task \d+ did not finish within 1 seconds \(running, [\d.]+%\); it goes on running on the Visionatrix server: get its files later with Get Results, or raise Timeout \[item 0\]$/,
			);
		} finally {
			await slow.stop();
		}
	});
});

describe('Continue On Fail', () => {
	it('turns the failed item into an error item and the other items go on', async () => {
		const result = await run(
			emulator,
			[
				createTask(
					'Generate',
					'sdxl_lighting',
					{ prompt: 'x', steps_number: '={{ $json.steps }}' },
					{},
				),
				waitFor('Wait'),
				getResults('Results', {}),
			].map((node) => ({ ...node, continueOnFail: true })),
			{
				inputItems: [
					{ json: { steps: '4 steps' } },
					{ json: { steps: 'many steps' } },
					{ json: { steps: '8 steps' } },
				],
			},
		);
		expect(result.status).toBe('success');
		const generated = result.outputOf('Generate');
		expect(generated.map((i) => Object.keys(i.json))).toEqual([
			['task_id', 'flow', 'outputs'],
			['error'],
			['task_id', 'flow', 'outputs'],
		]);
		expect(generated[1].json.error).toBe(
			"Input 'Number of steps' (steps_number) of flow 'sdxl_lighting' has no option 'many steps' [item 1]",
		);
		expect(generated.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const files = result.outputOf('Results');
		expect(files.filter((f) => f.binary?.data)).toHaveLength(2);
		expect(creates()).toHaveLength(2);
	});
});

describe('servers and credentials', () => {
	it('talks to a server with auth off without sending any Authorization header', async () => {
		const open = await startEmulator({ auth: false, taskDurationMs: 100 });
		try {
			const result = await run(
				open,
				[
					createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
					waitFor('Wait'),
					getResults('Results'),
				],
				{
					credential: credentialFor(open, null),
				},
			);
			expect(result.status).toBe('success');
			expect(result.outputOf('Results')).toHaveLength(1);
			expect(open.requests.length).toBeGreaterThan(3);
			expect(open.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
		} finally {
			await open.stop();
		}
	});

	it('talks to a legacy server under /api when the credential says Legacy', async () => {
		const legacy = await startEmulator({ apiVersion: 'legacy', taskDurationMs: 100 });
		try {
			const result = await run(legacy, [
				createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
				waitFor('Wait'),
				getResults('Results'),
			]);
			expect(result.status).toBe('success');
			expect(result.outputOf('Results')).toHaveLength(1);
			expect(legacy.requests.every((r) => r.path.startsWith('/api/'))).toBe(true);
		} finally {
			await legacy.stop();
		}
	});

	it('an unreachable server: the wait waits for it until its Timeout, which then names the outage', async () => {
		const gone = await startEmulator();
		const credential = credentialFor(gone);
		await gone.stop();
		const result = await run(
			gone,
			[
				visionatrix('Wait', {
					operation: 'waitForCompletion',
					taskId: '1',
					options: { timeout: 2, pollInterval: 1 },
				}),
			],
			{ credential },
		);
		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(
			/^Task 1 did not finish within 2 seconds; Visionatrix has not answered since \d\d:\d\d:\d\d UTC \(connection refused\); the task may still run there: get its files with Get Results once Visionatrix is back \[item 0\]$/,
		);
	});

	it('an unreachable server, for a read that does not wait: the error names the address to check', async () => {
		const gone = await startEmulator();
		const credential = credentialFor(gone);
		await gone.stop();
		const result = await run(
			gone,
			[visionatrix('Progress', { operation: 'getProgress', taskId: '1' })],
			{ credential },
		);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			`Cannot reach Visionatrix at ${gone.url}/vapi to get the progress of task 1 (connection refused): check that the server is running and reachable from n8n at the credential's Base URL [item 0]`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			/^Check the Base URL.*Network error: ECONNREFUSED\.$/,
		);
	});

	it('recognises the wrong API Version and says which one to choose', async () => {
		const legacy = await startEmulator({ apiVersion: 'legacy' });
		try {
			const result = await run(legacy, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })], {
				credential: credentialFor(legacy, undefined, 'current'),
			});
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(
				/no route to list the installed flows \(404 Not Found\): the server probably speaks the other API generation/,
			);
			expect((result.error as { description?: string }).description).toMatch(
				/set API Version to 'Legacy \(1\.6 and earlier\)'/,
			);
		} finally {
			await legacy.stop();
		}
	});
});
