/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * A server restart and a reverse proxy's 502 while the node waits, through n8n's engine: the
 * emulator is stopped and started again on the same port with its tasks kept. A wait outlasts an
 * outage shorter than its Timeout (every file comes out, no task is made twice); one longer than the
 * Timeout ends the items with a message that says so and keeps their task_id. n8n's log says when
 * the server stopped and started answering.
 */
import { dirname } from 'node:path';

import {
	injectFaults,
	ROUTES,
	startEmulator,
	startProxy,
	type ReverseProxy,
	type VisionatrixEmulator,
} from '../emulator';
import { Container } from '../harness/di';
import {
	createTask,
	creates,
	credentialFor,
	errorItems,
	expectFilesIntact,
	getResults,
	requestsTo,
	run,
	sleep,
	start,
	until,
	waitFor,
} from './helpers';

/** n8n's logger, as the node's context gets it (`this.logger`). */
function n8nLogger(): { warn: (message: string) => void; info: (message: string) => void } {
	const backendCommon = require.resolve('@n8n/backend-common', {
		paths: [dirname(require.resolve('n8n-core'))],
	});
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(backendCommon) as { Logger: new () => never };
	return Container.get(Logger);
}

let emulator: VisionatrixEmulator;
let logWarn: jest.SpyInstance;
let logInfo: jest.SpyInstance;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 1500, workers: 2 });
	const logger = n8nLogger();
	logWarn = jest.spyOn(logger, 'warn');
	logInfo = jest.spyOn(logger, 'info');
});
afterEach(async () => {
	jest.restoreAllMocks();
	await emulator.stop();
});

const prompts = (count: number) => ({
	inputItems: Array.from({ length: count }, (_, index) => ({
		json: { prompt: `picture ${index}` },
	})),
});
const generate = (options = {}) =>
	createTask(
		'Generate',
		'sdxl_lighting',
		{ prompt: '={{ $json.prompt }}' },
		{ downloadResults: true, pollInterval: 1, ...options },
	);
const completed = () => emulator.tasks.filter((task) => task.state === 'completed').length;
const logged = (spy: jest.SpyInstance, pattern: RegExp) =>
	spy.mock.calls.filter(([message]) => pattern.test(String(message))).length;

/** The time an outage began, as a timeout message gives it (`09:31:05 UTC`). */
function outageSince(message: string): string {
	const since = /has not answered since (\d\d:\d\d:\d\d UTC)/.exec(message)?.[1];
	expect(since).toMatch(/^\d\d:\d\d:\d\d UTC$/);
	return since!;
}

/** The task's state as a timeout message names it (` (running, 10%)`), or nothing when it was never read. */
function stateText(message: string): string {
	const state = /seconds \((running, [\d.]+%|still queued, not started)\);/.exec(message)?.[1];
	return state === undefined ? '' : ` (${state})`;
}

/** What the item's JSON says of that state: its status and progress, or nothing when never read. */
function lastState(message: string): Record<string, unknown> {
	const state = stateText(message);
	if (state === '') return {};
	const running = /running, ([\d.]+)%/.exec(state);
	return running
		? { status: 'running', progress: Number(running[1]) }
		: { status: 'queued', progress: 0 };
}

describe('a server restart while the node waits (poll)', () => {
	it('down for a few seconds: the wait goes on, every task comes out with its files, none is made twice, and the log says when it stopped and started answering', async () => {
		const handle = start(emulator, [generate()], prompts(6));
		// Two tasks done (their files maybe already fetched), the others queued or running.
		await until(
			() => emulator.tasks.length === 6 && completed() >= 2,
			'six tasks created, two completed',
			20_000,
		);
		await emulator.stopServing();
		await sleep(4000);
		await emulator.serveAgain();
		const result = await handle.result;

		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(creates(emulator)).toHaveLength(6);
		expect(emulator.tasks).toHaveLength(6);
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(6);
		expect(
			logged(
				logWarn,
				/^Visionatrix node "Generate": Visionatrix stopped answering \(.+\); the wait goes on until it answers again or the timeout$/,
			),
		).toBe(1);
		expect(
			logged(
				logInfo,
				/^Visionatrix node "Generate": Visionatrix answers again after \d+ s without an answer; the wait goes on$/,
			),
		).toBe(1);
	});

	it('Wait for Completion, then Get Results: the same through the separate operations', async () => {
		const created = await run(
			emulator,
			[createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' })],
			prompts(4),
		);
		const taskIds = created.outputOf('Generate').map((item) => item.json.task_id as number);
		const handle = start(emulator, [waitFor('Wait', { pollInterval: 1 }), getResults('Results')], {
			inputItems: taskIds.map((taskId) => ({ json: { task_id: taskId } })),
		});
		await until(() => completed() >= 1, 'a task completed', 20_000);
		await emulator.stopServing();
		await sleep(4000);
		await emulator.serveAgain();
		const result = await handle.result;

		expect(result.status).toBe('success');
		expect(result.outputOf('Wait').map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'completed',
			'completed',
		]);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(4);
	});

	it('Get Results while the server is down: it waits for the server, then gets the files', async () => {
		const created = await run(
			emulator,
			[generate({ downloadResults: false, waitForCompletion: true })],
			prompts(2),
		);
		const taskIds = created.outputOf('Generate').map((item) => item.json.task_id as number);
		await emulator.stopServing();
		const handle = start(emulator, [getResults('Results')], {
			inputItems: taskIds.map((taskId) => ({ json: { task_id: taskId } })),
		});
		await sleep(3000);
		await emulator.serveAgain();
		const result = await handle.result;

		expect(result.status).toBe('success');
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(2);
	});

	it('down for longer than the Timeout: each unfinished item fails (Continue On Fail) with a message that names the outage and keeps its task_id; the finished one keeps its file', async () => {
		emulator.configure({ taskDurationMs: 400, workers: 1 });
		const handle = start(
			emulator,
			[{ ...generate({ timeout: 5 }), continueOnFail: true }],
			prompts(3),
		);
		// The first task runs quickly; the two after it would take a minute.
		await until(() => emulator.tasks[0]?.state === 'running', 'the first task running', 20_000);
		emulator.configure({ taskDurationMs: 60_000 });
		await until(
			() => requestsTo(emulator, 'GET', '/tasks/results').some((request) => request.status === 200),
			'its file downloaded',
			20_000,
		);
		await emulator.stopServing();
		// Held past every item's Timeout.
		const result = await handle.result;
		await emulator.serveAgain();

		expect(result.status).toBe('success');
		const [first, second, third] = emulator.tasks;
		const items = result.outputOf('Generate');
		expect(items.map((item) => item.json.task_id)).toEqual([first.id, second.id, third.id]);
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(1);
		const failed = errorItems(items);
		expect(failed.map(({ item }) => item)).toEqual([1, 2]);
		for (const { item, json } of failed) {
			const taskId = json.task_id as number;
			const message = String(json.error);
			expect(json).toEqual({
				task_id: taskId,
				flow: 'sdxl_lighting',
				...lastState(message),
				error: `Task ${taskId} did not finish within 5 seconds${stateText(message)}; Visionatrix has not answered since ${outageSince(message)} (connection refused); the task may still run there: get its files with Get Results once Visionatrix is back [item ${item}]`,
			});
		}
		expect(emulator.tasks).toHaveLength(3);
	});
});

describe('a reverse proxy in front, answering 502 in plain text while the server is down', () => {
	let proxy: ReverseProxy;
	beforeEach(async () => {
		proxy = await startProxy(emulator.url);
	});
	afterEach(async () => await proxy.stop());

	const throughProxy = () => ({
		credential: { ...credentialFor(emulator), baseUrl: `${proxy.url}/` },
	});

	it("is waited out: the proxy's 502s are not the end, every file comes out once the server is back", async () => {
		const handle = start(emulator, [generate()], { ...prompts(4), ...throughProxy() });
		await until(
			() => emulator.tasks.length === 4 && completed() >= 1,
			'four tasks created, one completed',
			20_000,
		);
		await emulator.stopServing();
		await until(() => proxy.downAnswers >= 2, 'the proxy answered 502 for the server', 20_000);
		await sleep(2000);
		await emulator.serveAgain();
		const result = await handle.result;

		expect(result.status).toBe('success');
		expect(proxy.downAnswers).toBeGreaterThan(1);
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(4);
		expect(emulator.tasks).toHaveLength(4);
	});

	it('past the Timeout: the message says the proxy answered for a server that is down', async () => {
		emulator.configure({ workers: 0 });
		const handle = start(emulator, [{ ...generate({ timeout: 3 }), continueOnFail: true }], {
			...prompts(1),
			...throughProxy(),
		});
		await until(() => emulator.tasks.length === 1, 'the task created', 20_000);
		await emulator.stopServing();
		const result = await handle.result;
		await emulator.serveAgain();

		const [item] = result.outputOf('Generate');
		const taskId = emulator.tasks[0].id;
		const message = String(item.json.error);
		expect(item.json).toEqual({
			task_id: taskId,
			flow: 'sdxl_lighting',
			...lastState(message),
			error: `Task ${taskId} did not finish within 3 seconds${stateText(message)}; Visionatrix has not answered since ${outageSince(message)} (the proxy in front of Visionatrix answered 502); the task may still run there: get its files with Get Results once Visionatrix is back [item 0]`,
		});
	});
});

describe("the issue's measure: a 30-second restart while 20 items wait", () => {
	it('loses no file and makes no task twice', async () => {
		emulator.configure({ taskDurationMs: 1000, workers: 4 });
		const handle = start(emulator, [generate({ timeout: 300, concurrency: 4 })], {
			...prompts(20),
			timeoutMs: 240_000,
		});
		// Some tasks done before the outage, some running into it, the rest queued.
		await until(
			() => emulator.tasks.length === 20 && completed() >= 4,
			'twenty tasks created, four completed',
			60_000,
		);
		await emulator.stopServing();
		const doneBefore = completed();
		await sleep(30_000);
		const doneDuring = completed() - doneBefore;
		await emulator.serveAgain();
		const result = await handle.result;

		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect({
			before: doneBefore > 0,
			during: doneDuring > 0,
			after: doneBefore + doneDuring < 20,
		}).toEqual({ before: true, during: true, after: true });
		expect(creates(emulator).map((request) => request.status)).toEqual(
			Array.from({ length: 20 }, () => 200),
		);
		expect(emulator.tasks.map((task) => task.inputParams.prompt).sort()).toEqual(
			prompts(20)
				.inputItems.map((item) => item.json.prompt)
				.sort(),
		);
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(20);
		expect(
			result
				.outputOf('Generate')
				.map((item) => item.json.task_id)
				.sort((a, b) => Number(a) - Number(b)),
		).toEqual(emulator.tasks.map((task) => task.id));
	}, 300_000);
});

describe('a server restart while the node waits (On Webhook)', () => {
	/** The first progress read after the create finds the server gone (it goes down as the read arrives). */
	const downAtFirstLook = () =>
		injectFaults(emulator).goesDown({ paths: [ROUTES.progress], methods: ['GET'] });

	it('down between the create and the first look: the look waits for the server, then the files come out', async () => {
		emulator.configure({ taskDurationMs: 300 });
		const { down } = downAtFirstLook();
		const handle = start(
			emulator,
			[generate({ waitMode: 'webhook', fallbackInterval: 0 })],
			prompts(2),
		);
		await down;
		// The tasks finish while the server is down.
		await until(() => completed() === 2, 'both tasks completed', 20_000);
		// Longer than the few quick tries every read gets.
		await sleep(4000);
		await emulator.serveAgain();
		const result = await handle.result;

		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(2);
		expect(creates(emulator)).toHaveLength(2);
	});

	it("down past the Timeout from the first look on: the execution is put to wait (nothing fails at once), to end with each task's timeout item at its Timeout", async () => {
		emulator.configure({ workers: 0 });
		const { down } = downAtFirstLook();
		const result = await run(
			emulator,
			[
				{
					...generate({ waitMode: 'webhook', fallbackInterval: 0, timeout: 4 }),
					continueOnFail: true,
				},
			],
			prompts(2),
		);
		const downAt = await down;

		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('waiting');
		const taskIds = emulator.tasks.map((task) => task.id);
		// What n8n outputs when the wait ends at waitTill: the items it keeps with the waiting execution.
		const kept = result.run.data.executionData!.nodeExecutionStack[0].data.main[0]!;
		expect(kept.map((item) => item.json.task_id)).toEqual(taskIds);
		expect(kept.map((item) => item.json.error)).toEqual(
			taskIds.map(
				(taskId, item) =>
					`Task ${taskId} (flow sdxl_lighting) was not seen done before the wait ended at its Timeout (4 seconds); it may have finished meanwhile: get its files with Get Results (task ID ${taskId}) rather than retrying the execution, which creates the task again [item ${item}]`,
			),
		);
		expect(result.run.waitTill!.getTime()).toBeGreaterThan(downAt);
		await emulator.serveAgain();
	});
});
