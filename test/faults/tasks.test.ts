/**
 * What happens to tasks, credentials and the execution while the node waits, through n8n's
 * engine: a task that vanishes or fails mid-wait, credentials that stop working, a proxy's HTML
 * error page, and the execution stopped by the user (with and without cancelling the server's tasks).
 */
import type { INodeParameters } from 'n8n-workflow';

import {
	DEFAULT_FAILURE_MESSAGE,
	injectFaults,
	ROUTES,
	startEmulator,
	type Faults,
	type VisionatrixEmulator,
} from '../emulator';
import {
	continuing,
	createTask,
	creates,
	errorItems,
	expectFilesIntact,
	getResults,
	progressReads,
	requestsTo,
	run,
	sharedEmulator,
	sleep,
	start,
	statusesOf,
	until,
	visionatrix,
	waitFor,
} from './helpers';

let emulator: VisionatrixEmulator;
let faults: Faults;
sharedEmulator({ taskDurationMs: 700, workers: 3 }, (started, injected) => {
	emulator = started;
	faults = injected;
});

/** Creates one task per prompt (not waiting), returns their ids in item order. */
async function createTasks(prompts: string[]): Promise<number[]> {
	const result = await run(
		emulator,
		[createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' })],
		{
			inputItems: prompts.map((prompt) => ({ json: { prompt } })),
		},
	);
	expect(result.status).toBe('success');
	return result.outputOf('Generate').map((item) => item.json.task_id as number);
}

const taskItems = (taskIds: number[]) => ({
	inputItems: taskIds.map((taskId) => ({ json: { task_id: taskId } })),
});

describe('tasks that change under the wait', () => {
	it('a task that vanishes mid-wait fails its item at once as cancelled or deleted; the other items get their files', async () => {
		const taskIds = await createTasks(['one', 'two', 'three']);
		emulator.clearRequests();
		const victim = taskIds[1];
		const vanish = faults.vanishTask(victim, { afterPolls: 1 });

		const result = await run(
			emulator,
			[continuing(waitFor('Wait')), continuing(getResults('Results'))],
			taskItems(taskIds),
		);

		expect(result.status).toBe('success');
		expect(vanish.hits).toBe(1);
		const waited = result.outputOf('Wait');
		expect(waited.map((item) => item.json.status ?? item.json)).toEqual([
			'completed',
			{
				task_id: victim,
				error: `Task ${victim} was cancelled or deleted on the Visionatrix server (or belongs to another user) [item 1]`,
			},
			'completed',
		]);
		// At once: the first look after it vanished answers 404, and nothing more is asked about it in
		// the wait; the error item keeps its task_id, so Get Results looks once more and says the same.
		expect(statusesOf(emulator, 'GET', `/tasks/progress/${victim}`)).toEqual([200, 404, 404]);
		expect(result.outputOf('Results')[1].json).toEqual({
			task_id: victim,
			error: `Task ${victim} was cancelled or deleted on the Visionatrix server (or belongs to another user) [item 1]`,
		});
		expect(
			requestsTo(emulator, 'GET', '/tasks/results')
				.map((request) => Number(request.query.task_id))
				.sort(),
		).toEqual([taskIds[0], taskIds[2]].sort());
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(2);
		expect(emulator.task(victim)).toBeUndefined();
	});

	it("a task that errors mid-wait gives an error item naming the task and the server's message; the others complete", async () => {
		const taskIds = await createTasks(['one', 'two', 'three']);
		emulator.clearRequests();
		const victim = taskIds[2];
		const failing = faults.taskError(victim, {
			afterPolls: 1,
			error: 'CUDA error: an illegal memory access was encountered',
		});

		const result = await run(emulator, [continuing(waitFor('Wait'))], taskItems(taskIds));

		expect(result.status).toBe('success');
		expect(failing.hits).toBe(1);
		expect(result.outputOf('Wait').map((item) => item.json.error || item.json.status)).toEqual([
			'completed',
			'completed',
			`Task ${victim} failed on the Visionatrix server: CUDA error: an illegal memory access was encountered [item 2]`,
		]);
		expect(emulator.task(victim)).toMatchObject({ state: 'failed' });
	});

	it('Create → Wait → Get Results under Continue On Fail: the final error item of a failed task still names it', async () => {
		emulator.failNextTasks(1, 'out of memory');
		const result = await run(
			emulator,
			[
				createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
				waitFor('Wait'),
				getResults('Results'),
			].map(continuing),
		);
		expect(result.status).toBe('success');
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(result.outputOf('Wait')[0].json).toEqual({
			task_id: taskId,
			flow: 'sdxl_lighting',
			status: 'failed',
			progress: 55.5,
			error: `Task ${taskId} failed on the Visionatrix server: out of memory [item 0]`,
		});
		expect(result.outputOf('Results')[0].json).toEqual({
			task_id: taskId,
			error: `Task ${taskId} failed on the Visionatrix server and has no results: out of memory [item 0]`,
		});
	});

	it('Get Results on a failed task: an error item naming it; the other item gets its file', async () => {
		const taskIds = await createTasks(['one', 'two']);
		emulator.failTask(taskIds[0]);
		await emulator.waitForTask(taskIds[1]);
		emulator.clearRequests();

		const result = await run(emulator, [continuing(getResults('Results'))], taskItems(taskIds));

		expect(result.status).toBe('success');
		expect(errorItems(result.outputOf('Results'))).toEqual([
			{
				item: 0,
				message: `Task ${taskIds[0]} failed on the Visionatrix server and has no results: ${DEFAULT_FAILURE_MESSAGE} [item 0]`,
				json: { task_id: taskIds[0], error: expect.any(String) },
			},
		]);
		expect(
			requestsTo(emulator, 'GET', '/tasks/results').map((request) => Number(request.query.task_id)),
		).toEqual([taskIds[1]]);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(1);
	});
});

describe('credentials that stop working mid-run', () => {
	it('a 401 on a progress read: the credential error, and the read is not sent again', async () => {
		// The catalog and the create pass; the first progress read is refused.
		const refused = faults.unauthorizedFrom({ afterRequests: 2 });
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
			waitFor('Wait'),
			getResults('Results'),
		]);

		expect(result.status).toBe('error');
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(result.error!.message).toBe(
			`Visionatrix rejected the credentials while trying to get the progress of task ${taskId} (401 Not authenticated)`,
		);
		expect((result.error as { description?: string }).description).toBe(
			'Check the username and password of the Visionatrix credential. Leave both empty only if the server runs with authentication off.',
		);
		expect(refused.hits).toBe(1);
		expect(
			emulator.requests.map(
				(request) =>
					`${request.method} ${request.path.slice(emulator.prefix.length)} ${request.status}`,
			),
		).toEqual([
			'GET /flows/installed 200',
			'PUT /tasks/create/sdxl_lighting 200',
			`GET /tasks/progress/${taskId} 401`,
		]);
	});

	it('a 401 on a download: the item fails with the credential error, one download request', async () => {
		const refused = faults.unauthorizedFrom({ afterRequests: 0, paths: [ROUTES.results] });
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
			waitFor('Wait'),
			getResults('Results'),
		]);

		expect(result.status).toBe('error');
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(result.error!.message).toBe(
			`Visionatrix rejected the credentials while trying to download result 0 of output node 9 of task ${taskId} (401 Not authenticated) [item 0]`,
		);
		expect(refused.hits).toBe(1);
		expect(statusesOf(emulator, 'GET', '/tasks/results')).toEqual([401]);
	});
});

describe("a proxy's HTML error page instead of JSON", () => {
	it('on every progress read: waited out until the Timeout, which then says the proxy answered for a server that is down', async () => {
		const taskIds = await createTasks(['x']);
		emulator.clearRequests();
		const page = faults.htmlErrorPage({ status: 502, paths: [ROUTES.progress] });
		const result = await run(
			emulator,
			[waitFor('Wait', { timeout: 3, pollInterval: 1 })],
			taskItems(taskIds),
		);

		expect(result.status).toBe('error');
		const since = /not answered since (\d\d:\d\d:\d\d UTC)/.exec(result.error!.message)?.[1];
		expect(result.error!.message).toBe(
			`Task ${taskIds[0]} did not finish within 3 seconds; Visionatrix has not answered since ${since} (the proxy in front of Visionatrix answered 502); the task may still run there: get its files with Get Results once Visionatrix is back [item 0]`,
		);
		// Each read tried four times, and read again after a pause, more than once within the Timeout.
		expect(page.hits).toBeGreaterThan(4);
		expect(new Set(statusesOf(emulator, 'GET', `/tasks/progress/${taskIds[0]}`))).toEqual(
			new Set([502]),
		);
	});

	it("on the flow list and on create: named as the proxy's answer; the create is sent once and its task looked for", async () => {
		faults.htmlErrorPage({ status: 502, paths: [ROUTES.flows] });
		const onList = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);
		expect(onList.error!.message).toBe(
			'The reverse proxy in front of Visionatrix answered 502 Bad Gateway to the request to list the installed flows: Visionatrix is down or restarting; run again once it answers',
		);
		expect((onList.error as { description?: string }).description).toBe(
			"The answer ('an HTML page titled '502 Bad Gateway' instead of Visionatrix's JSON, probably from a proxy in front of it') came from the proxy in front of Visionatrix (nginx, Caddy, Traefik, …), not from Visionatrix itself. Check that the Visionatrix server is running and that the proxy points at it.",
		);
		expect(statusesOf(emulator, 'GET', '/flows/installed')).toEqual([502, 502, 502, 502]);
		expect(creates(emulator)).toHaveLength(0);

		faults.clear();
		emulator.clearRequests();
		faults.htmlErrorPage({ status: 504, title: 'Gateway Time-out', paths: [ROUTES.create] });
		const onCreate = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'proxy timed out' }),
		]);
		expect(onCreate.error!.message).toMatch(
			/^The request to create a task of flow 'sdxl_lighting' got no answer from Visionatrix \(the proxy in front of Visionatrix answered 504\), and no task of that flow made since it was sent at \d\d:\d\d:\d\d UTC matches what was sent: the task may exist anyway, so check the Visionatrix task list before running this item again \[item 0\]$/,
		);
		expect(creates(emulator).map((request) => request.status)).toEqual([504]);
	});
});

describe('stopping the execution', () => {
	let paused: VisionatrixEmulator;
	beforeEach(async () => {
		paused = await startEmulator({ workers: 0 });
	});
	afterEach(async () => await paused.stop());

	/** Creates queued tasks, starts waiting on them, stops the run after a few ticks; returns the run and where the log stood. */
	async function stopMidWait(waitOptions: INodeParameters, mode: 'operation' | 'create option') {
		const prompts = ['one', 'two'];
		const nodes =
			mode === 'operation'
				? [
						createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }),
						waitFor('Wait', waitOptions),
					]
				: [
						createTask(
							'Generate',
							'sdxl_lighting',
							{ prompt: '={{ $json.prompt }}' },
							{ waitForCompletion: true, ...waitOptions },
						),
					];
		const handle = start(paused, nodes, {
			inputItems: prompts.map((prompt) => ({ json: { prompt } })),
		});
		// Stopped while the node pauses between two ticks (at least 200 ms): three reads answered, then a moment.
		await until(
			() => progressReads(paused).filter((request) => request.status === 200).length >= 3,
			'three progress reads answered',
		);
		await sleep(50);
		const mark = paused.requests.length;
		handle.cancel();
		const result = await handle.result;
		// Room for a few more ticks, had the polling gone on (at least 200 ms apart).
		await sleep(1000);
		return { result, mark };
	}

	it.each(['operation', 'create option'] as const)(
		'ends the polling within one tick (Wait for Completion as %s); the tasks stay queued without Cancel Tasks When Stopped',
		async (mode) => {
			const { mark } = await stopMidWait({}, mode);
			expect(progressReads(paused, mark).length).toBeLessThanOrEqual(1);
			expect(requestsTo(paused, 'DELETE', /^\/tasks\/queue\//)).toHaveLength(0);
			expect(paused.tasks.map((task) => [task.inputParams.prompt, task.state])).toEqual([
				['one', 'queued'],
				['two', 'queued'],
			]);
		},
	);

	it('stopped while a progress read is in flight: the read is abandoned and no other follows', async () => {
		const slow = injectFaults(paused).slowResponses({
			delayMs: 400,
			paths: [ROUTES.progress],
			after: 2,
		});
		const handle = start(paused, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
			waitFor('Wait'),
		]);
		await until(() => slow.hits === 1, 'a slow progress read under way');
		const mark = paused.requests.length;
		handle.cancel();
		const result = await handle.result;
		await sleep(1000);
		expect(result.status).toBe('canceled');
		expect(progressReads(paused, mark)).toHaveLength(0);
		expect(progressReads(paused)).toHaveLength(3);
	});

	it.each(['operation', 'create option'] as const)(
		'with Cancel Tasks When Stopped (%s), the unfinished tasks are cancelled on the server',
		async (mode) => {
			const { mark } = await stopMidWait({ cancelOnStop: true }, mode);
			await until(() => paused.tasks.length === 0, 'the tasks cancelled on the server', 3000);
			const cancels = requestsTo(paused, 'DELETE', /^\/tasks\/queue\/\d+$/);
			expect(cancels.map((request) => request.status)).toEqual([204, 204]);
			expect(cancels.map((request) => request.path).sort()).toEqual([
				'/vapi/tasks/queue/1',
				'/vapi/tasks/queue/2',
			]);
			expect(progressReads(paused, mark).length).toBeLessThanOrEqual(1);
		},
	);

	it('a stopped execution ends as canceled, not as failed', async () => {
		const { result } = await stopMidWait({}, 'operation');
		expect(result.error?.message).not.toBe('This operation was aborted');
		expect(result.status).toBe('canceled');
	});

	it('with Cancel Tasks When Stopped, a task that already finished is left alone', async () => {
		paused.configure({ workers: 1, taskDurationMs: 50 });
		const taskIds = (
			await run(paused, [createTask('Generate', 'sdxl_lighting', { prompt: 'done' })])
		)
			.outputOf('Generate')
			.map((item) => item.json.task_id as number);
		await paused.waitForTask(taskIds[0]);
		paused.configure({ workers: 0 });
		const queued = (
			await run(paused, [createTask('Generate', 'sdxl_lighting', { prompt: 'queued' })])
		).outputOf('Generate')[0].json.task_id as number;
		paused.clearRequests();

		const handle = start(
			paused,
			[
				visionatrix('Wait', {
					operation: 'waitForCompletion',
					taskId: '={{ $json.task_id }}',
					options: { cancelOnStop: true },
				}),
			],
			{
				inputItems: [{ json: { task_id: taskIds[0] } }, { json: { task_id: queued } }],
			},
		);
		await until(() => progressReads(paused).length >= 2, 'two progress reads');
		handle.cancel();
		await handle.result;
		await until(() => paused.task(queued) === undefined, 'the queued task cancelled', 3000);
		expect(
			requestsTo(paused, 'DELETE', /^\/tasks\/queue\//).map((request) => request.path),
		).toEqual([`/vapi/tasks/queue/${queued}`]);
		expect(paused.task(taskIds[0])).toMatchObject({ state: 'completed' });
	});
});
