/**
 * Patience by the queue, through n8n's execution engine against the emulator: what Timeout means
 * in each node version (1 and 1.1: the whole wait; 1.2: each task's own run), the early error
 * when no worker can run the flow, what each On Error setting outputs when some tasks of a batch
 * give no result, and the cancel option. Counts and states are asserted, not durations: each
 * case's margins are whole task runs.
 */
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type VisionatrixEmulator } from '../emulator';
import type { EmulatorOptions } from '../emulator/types';
import type { HarnessNode } from '../harness';
import { flow, inputs, jsonOf, run, visionatrix, waitFor } from './visionatrix';

const PROMPTS = { json: { prompt: 'a lighthouse at dusk' } };
const items = (n: number) => Array.from({ length: n }, () => PROMPTS);

/** Create with Output Final State (1.1 and 1.2) or version 1's Wait for Completion option. */
function waitingCreate(
	typeVersion: 1 | 1.1 | 1.2,
	options: INodeParameters,
	extra: Partial<HarnessNode> = {},
	output = 'finalState',
): HarnessNode {
	return visionatrix(
		'Generate',
		{
			operation: 'create',
			flow: flow('sdxl_lighting'),
			flowInputs: inputs({ prompt: '={{ $json.prompt }}' }),
			...(typeVersion === 1
				? { options: { ...options, waitForCompletion: true } }
				: { output, options }),
		},
		{ typeVersion, ...extra },
	);
}

let emulator: VisionatrixEmulator;
async function serve(options: EmulatorOptions): Promise<VisionatrixEmulator> {
	emulator = await startEmulator(options);
	return emulator;
}
afterEach(async () => await emulator?.stop());

const flowsReads = () =>
	emulator.requests.filter((r) => r.method === 'GET' && r.path === '/vapi/flows/installed').length;

describe('Timeout, as each version means it', () => {
	// Four 1 s tasks on one worker: they end about 1, 2, 3 and 4 s after they are queued.
	const fourOnOneWorker = { workers: 1, taskDurationMs: 1000 };

	it.each([1, 1.1] as const)(
		'version %s: one deadline for the whole wait, queue included; the unfinished tasks say queued or running',
		async (typeVersion) => {
			await serve(fourOnOneWorker);
			const result = await run(
				emulator,
				[waitingCreate(typeVersion, { timeout: 2.5 }, { continueOnFail: true })],
				{ inputItems: items(4) },
			);
			const out = jsonOf(result.outputOf('Generate'));
			expect(out.map((json) => json.status)).toEqual([
				'completed',
				'completed',
				'running',
				'queued',
			]);
			expect(out[2].error).toMatch(
				/^Task 3 did not finish within 2\.5 seconds \(running, [\d.]+%\); it goes on running on the Visionatrix server/,
			);
			expect(out[3].error).toMatch(
				/^Task 4 did not finish within 2\.5 seconds \(still queued, not started; 1 of this run's tasks ahead of it\); it stays queued on the Visionatrix server/,
			);
			expect(out[3]).toMatchObject({ task_id: 4, flow: 'sdxl_lighting', progress: 0 });
		},
	);

	it('version 1.2: each task may run for Timeout once a worker took it; its time in the queue does not count', async () => {
		await serve(fourOnOneWorker);
		const result = await run(emulator, [waitingCreate(1.2, { timeout: 2.5 })], {
			inputItems: items(4),
		});
		expect(result.status).toBe('success');
		expect(jsonOf(result.outputOf('Generate')).map((json) => json.status)).toEqual([
			'completed',
			'completed',
			'completed',
			'completed',
		]);
	});

	it('version 1.2: a task that runs longer than Timeout fails with its state; the default for new nodes', async () => {
		await serve({ workers: 1, taskDurationMs: 4000 });
		const create = waitingCreate(1.2, { timeout: 1 });
		delete create.typeVersion;
		const result = await run(emulator, [create], { inputItems: items(1) });
		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(
			/^Task 1 ran longer than its Timeout of 1 seconds \(running, [\d.]+%\); it goes on running on the Visionatrix server: get its files later with Get Results \[item 0\]$/,
		);
		expect(emulator.task(1)!.state).toBe('running');
	});
});

describe('no worker for the flow (version 1.2)', () => {
	it('Create fails the waiting items before creating any task, with one read of the flows list', async () => {
		await serve({ workers: 0 });
		const result = await run(
			emulator,
			[waitingCreate(1.2, {}, { continueOnFail: true }, 'files')],
			{
				inputItems: items(3),
			},
		);
		const out = jsonOf(result.outputOf('Generate'));
		expect(out).toHaveLength(3);
		for (const [index, json] of out.entries())
			expect(json.error).toBe(
				`No worker connected that can run flow 'sdxl_lighting': the task was not created [item ${index}]`,
			);
		expect(emulator.tasks).toHaveLength(0);
		expect(flowsReads()).toBe(1);
	});

	it('Output Task IDs still queues the tasks; Wait for Completion then fails at its first look, naming the cause', async () => {
		await serve({ workers: 0 });
		const result = await run(
			emulator,
			[
				waitingCreate(1.2, {}, {}, 'taskIds'),
				{ ...waitFor('Wait'), typeVersion: 1.2, continueOnFail: true },
			],
			{ inputItems: items(2) },
		);
		const out = jsonOf(result.outputOf('Wait'));
		expect(out.map((json) => json.error)).toEqual([
			"Task 1 is still queued, not started: no worker connected that can run flow 'sdxl_lighting' [item 0]",
			"Task 2 is still queued, not started: no worker connected that can run flow 'sdxl_lighting' [item 1]",
		]);
		expect(emulator.tasks.map((task) => task.state)).toEqual(['queued', 'queued']);
		// One read for Create's inputs, one for the wait's check (both items).
		expect(flowsReads()).toBe(2);
	});

	it('version 1.1 keeps waiting for a queue without a worker until its Timeout', async () => {
		await serve({ workers: 0 });
		const result = await run(emulator, [waitingCreate(1.1, { timeout: 1 })], {
			inputItems: items(1),
		});
		expect(result.error!.message).toMatch(
			/^Task 1 did not finish within 1 seconds \(still queued, not started\); it stays queued/,
		);
		expect(flowsReads()).toBe(1);
	});
});

describe('a batch where some tasks give no result: no finished work thrown away', () => {
	// Three tasks on one worker; the first one the worker takes fails (out of memory).
	async function batch(onError?: HarnessNode['onError']) {
		await serve({ workers: 1, taskDurationMs: 200 });
		emulator.failNextTasks(1);
		return await run(emulator, [waitingCreate(1.2, {}, onError ? { onError } : {}, 'files')], {
			inputItems: items(3),
		});
	}

	it('Stop Workflow (default): the node fails with one error naming each task without a result, and where the finished ones are', async () => {
		const result = await batch();
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe('1 of 3 results missing: task 1 (failed) [item 0]');
		const description = (result.error as { description?: string }).description!;
		expect(description).toContain('Without a result: task 1 (failed).');
		expect(description).toContain(
			'The 2 tasks that finished keep their files on the Visionatrix server (tasks 2, 3)',
		);
		expect(description).toContain('"Continue (using error output)"');
		expect(description).toContain('Task 1 failed on the Visionatrix server');
	});

	it("Continue (regular output): the finished tasks' files, and the failed task as an item with its id, flow and state", async () => {
		const result = await batch('continueRegularOutput');
		const out = result.outputOf('Generate');
		expect(out.filter((item) => item.binary?.data).map((item) => item.json.task_id)).toEqual([
			2, 3,
		]);
		expect(out[0].json).toMatchObject({
			task_id: 1,
			flow: 'sdxl_lighting',
			status: 'failed',
			progress: 55.5,
			error: expect.stringMatching(/^Task 1 failed on the Visionatrix server/),
		});
	});

	it('Continue (using error output): the files on the main output, the failed task on the error output with its task in details', async () => {
		const result = await batch('continueErrorOutput');
		expect(result.outputOf('Generate', 0).map((item) => item.json.task_id)).toEqual([2, 3]);
		const [failed] = result.outputOf('Generate', 1);
		expect(failed.json).toMatchObject({
			error: expect.stringMatching(/^Task 1 failed on the Visionatrix server/),
			details: { task_id: 1, flow: 'sdxl_lighting', status: 'failed', progress: 55.5 },
		});
	});
});

describe('the cancel option', () => {
	it('version 1.2, Cancel Unfinished Tasks: a task the wait gives up on is cancelled on the server', async () => {
		await serve({ workers: 1, taskDurationMs: 4000 });
		const result = await run(emulator, [waitingCreate(1.2, { timeout: 1, cancelOnStop: true })], {
			inputItems: items(1),
		});
		expect(result.error!.message).toMatch(
			/^Task 1 ran longer than its Timeout of 1 seconds \(running, [\d.]+%\); the node cancelled it on the Visionatrix server \[item 0\]$/,
		);
		expect(emulator.task(1)).toBeUndefined();
	});

	it('version 1.1, Cancel Tasks When Stopped: a task past its Timeout is left to run', async () => {
		await serve({ workers: 1, taskDurationMs: 4000 });
		const result = await run(emulator, [waitingCreate(1.1, { timeout: 1, cancelOnStop: true })], {
			inputItems: items(1),
		});
		expect(result.status).toBe('error');
		expect(emulator.task(1)!.state).toBe('running');
	});
});
