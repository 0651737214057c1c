/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Soak: 200 items through Create → Wait for Completion → Get Results (Continue On Fail) against an
 * emulator with several workers, seeded random faults on every read (errors, 429, proxy pages,
 * resets, slow answers, broken-off downloads), a few creates that fail and a few tasks that fail.
 * Every file of every completed task comes out exactly once and intact, every failure is an error
 * item of its own, no task is duplicated on the server, and memory stays flat.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

import {
	DEFAULT_FAILURE_MESSAGE,
	injectFaults,
	ROUTES,
	startEmulator,
	type VisionatrixEmulator,
} from '../emulator';
import type { RunResult } from '../harness';
import { createTask, creates, getResults, run, storedResult, waitFor } from './helpers';

const ITEMS = 200;
const FAILING_TASKS = 6;
const MB = 1024 * 1024;

function collectGarbage(): void {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (exposed) return exposed();
	setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
}

function memory() {
	collectGarbage();
	collectGarbage();
	const { heapUsed, rss } = process.memoryUsage();
	return { heapUsed, rss };
}

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 40, workers: 6 });
});
afterAll(async () => await emulator.stop());

const pipeline = () =>
	[
		createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }, { concurrency: 8 }),
		waitFor('Wait', { pollInterval: 0.5 }),
		getResults('Results'),
	].map((node) => ({ ...node, continueOnFail: true }));

const soakItems = (count: number, tag: string) =>
	Array.from({ length: count }, (_, index) => ({ json: { prompt: `${tag} ${index}` } }));

it('200 items with random faults: every file exactly once and intact, every failure its own error item, no duplicate task, flat memory', async () => {
	// Warm-up (modules, JIT, binary data service), then the baseline.
	const warm = await run(emulator, pipeline(), {
		inputItems: soakItems(5, 'warm-up'),
		binaryDataMode: 'filesystem',
	});
	expect(warm.status).toBe('success');
	const firstId = (emulator.tasks.at(-1)?.id ?? 0) + 1;
	emulator.clearRequests();
	const before = memory();

	const faults = injectFaults(emulator);
	// Few JSON reads happen (the flow list once, one progress summary per tick for all 200 tasks,
	// one for Get Results), so they fail often.
	const jsonReads = faults.random({
		seed: 0x5eed,
		rate: 0.5,
		paths: [ROUTES.flows, ROUTES.progress],
		kinds: ['serverError', 'tooManyRequests', 'badGateway', 'reset', 'slow'],
		slowMs: 80,
	});
	const downloads = faults.random({
		seed: 0xd0d0,
		rate: 0.2,
		paths: [ROUTES.results],
		kinds: ['serverError', 'badGateway', 'reset', 'truncate', 'slow'],
		slowMs: 80,
		keepBytes: 200,
	});
	const failedCreates = faults.random({
		seed: 0xc4,
		rate: 0.03,
		paths: [ROUTES.create],
		methods: ['PUT'],
		kinds: ['serverError', 'reset'],
	});
	emulator.failNextTasks(FAILING_TASKS, DEFAULT_FAILURE_MESSAGE);

	let result: RunResult | undefined = await run(emulator, pipeline(), {
		inputItems: soakItems(ITEMS, 'soak'),
		binaryDataMode: 'filesystem',
		timeoutMs: 55_000,
	});
	faults.clear();
	expect(result.status).toBe('success');

	// The faults did happen.
	expect(jsonReads.hits).toBeGreaterThan(1);
	expect(downloads.hits).toBeGreaterThan(10);
	expect(new Set(downloads.hitRequests.map((request) => request.fault))).toEqual(
		new Set(['serverError', 'badGateway', 'reset', 'truncate', 'slow']),
	);
	expect(failedCreates.hits).toBeGreaterThan(0);

	// No duplicate task: one per item whose create got through, and one create request per item.
	const tasks = emulator.tasks.filter((task) => task.id >= firstId);
	expect(creates(emulator)).toHaveLength(ITEMS);
	expect(tasks).toHaveLength(ITEMS - failedCreates.hits);
	expect(new Set(tasks.map((task) => task.inputParams.prompt)).size).toBe(tasks.length);
	const failed = tasks.filter((task) => task.state === 'failed');
	const completed = tasks.filter((task) => task.state === 'completed');
	expect(failed).toHaveLength(FAILING_TASKS);
	expect(completed).toHaveLength(tasks.length - FAILING_TASKS);

	// Create: an error item for each failed create, naming the flow; the others carry their task.
	const generated = result.outputOf('Generate');
	expect(generated).toHaveLength(ITEMS);
	// (A create dropped before the server acted is looked for, not found, and its item says to check the task list.)
	const createErrors = generated.filter((item) => typeof item.json.error === 'string');
	expect(createErrors).toHaveLength(failedCreates.hits);
	for (const item of createErrors) {
		const itemIndex = (item.pairedItem as { item: number }).item;
		expect(String(item.json.error)).toMatch(
			new RegExp(
				`^(Visionatrix failed to create|The request to create) a task of flow 'sdxl_lighting'.* \\[item ${itemIndex}\\]$`,
			),
		);
	}
	const taskOfItem = new Map(
		generated
			.filter((item) => typeof item.json.error !== 'string')
			.map((item) => [(item.pairedItem as { item: number }).item, item.json.task_id as number]),
	);
	expect(new Set(taskOfItem.values())).toEqual(new Set(tasks.map((task) => task.id)));

	// Wait: each failed task is an error item naming that task and the server's message.
	const waited = result.outputOf('Wait');
	const itemOf = (item: { pairedItem?: unknown }) => (item.pairedItem as { item: number }).item;
	// (A task's final state has `error: ''`; an error item a message.)
	const waitErrors = waited.filter(
		(item) =>
			typeof item.json.error === 'string' && item.json.error !== '' && taskOfItem.has(itemOf(item)),
	);
	expect(
		waitErrors
			.map((item) => {
				const itemIndex = (item.pairedItem as { item: number }).item;
				return item.json.error ===
					`Task ${taskOfItem.get(itemIndex)} failed on the Visionatrix server: ${DEFAULT_FAILURE_MESSAGE} [item ${itemIndex}]`
					? item.json.task_id
					: item.json.error;
			})
			.sort(),
	).toEqual(failed.map((task) => task.id).sort());

	// Results: every file of every completed task exactly once, byte for byte; one error item per failure.
	const files = result.outputOf('Results');
	const withFile = files.filter((item) => item.binary?.data);
	const keys = withFile.map(
		(item) => `${item.json.task_id}:${item.json.node_id}:${item.json.batch_index}`,
	);
	const expected = completed.flatMap((task) =>
		task.outputs.flatMap((output) =>
			Array.from(
				{ length: output.batchSize },
				(_, batch) => `${task.id}:${output.comfyNodeId}:${batch}`,
			),
		),
	);
	expect(keys.length).toBe(new Set(keys).size);
	expect(new Set(keys)).toEqual(new Set(expected));
	expect(keys).toHaveLength(expected.length);
	for (const [index, item] of files.entries()) {
		if (!item.binary?.data) continue;
		const task = emulator.task(item.json.task_id as number)!;
		const bytes = await result.binaryOf('Results', index);
		expect(
			bytes.equals(
				storedResult(task, item.json.node_id as number, item.json.batch_index as number),
			),
		).toBe(true);
		expect(item.pairedItem).toEqual({
			item: [...taskOfItem.entries()].find(([, taskId]) => taskId === task.id)![0],
		});
	}
	expect(files.filter((item) => typeof item.json.error === 'string')).toHaveLength(
		failedCreates.hits + FAILING_TASKS,
	);

	// Memory: the run's data released, the heap and the process are back near where they were.
	result = undefined;
	const after = memory();
	expect((after.heapUsed - before.heapUsed) / MB).toBeLessThan(150);
	expect((after.rss - before.rss) / MB).toBeLessThan(150);
});
