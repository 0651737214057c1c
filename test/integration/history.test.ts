/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/**
 * Waiting against a server that has run for months: the emulator holds 2,000 finished tasks
 * (several flows and group scopes, some of another user) before each test, so every progress
 * summary the node could ask for is large. Through n8n's engine; the assertions are on the
 * emulator's request log: what the wait asked, of which tasks, and how much it read.
 */
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import type { RecordedRequest } from '../emulator/types';
import {
	createTask,
	flow,
	getResults,
	inputs,
	run,
	start,
	visionatrix,
	waitFor,
} from './visionatrix';

const HISTORY = 2000;

const progressReads = (emulator: VisionatrixEmulator) =>
	emulator.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/vapi/tasks/progress'));
const readsOf = (reads: RecordedRequest[], taskId: number) =>
	reads.filter((r) => r.path === `/vapi/tasks/progress/${taskId}`);
/** A summary that lists every task of the user (or of every group): what the node must never ask for. */
const unfiltered = (r: RecordedRequest) =>
	r.path === '/vapi/tasks/progress' ||
	(r.path === '/vapi/tasks/progress-summary' &&
		(!r.query.name || !r.query.group_scope || r.query.group_scope === '0'));

async function until(condition: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 2000 && !condition(); i++)
		await new Promise((resolve) => setTimeout(resolve, 5));
	if (!condition()) throw new Error(`gave up waiting until ${what}`);
}

describe('waiting on a server with a history of 2,000 tasks', () => {
	let emulator: VisionatrixEmulator;

	/** Create Task waiting for its tasks, a failed item its own output (Continue On Fail), started without awaiting it. */
	const startWaitingCreate = (items: Array<{ json: { prompt: string } }>) =>
		start(
			emulator,
			[
				{
					...createTask(
						'Generate',
						'sdxl_lighting',
						{ prompt: '={{ $json.prompt }}' },
						{ waitForCompletion: true },
					),
					continueOnFail: true,
				},
			],
			{ inputItems: items },
		);

	beforeEach(async () => {
		emulator = await startEmulator({ history: HISTORY, taskDurationMs: 300, workers: 2 });
	});
	afterEach(async () => await emulator.stop());

	it('reads only the tasks that can have changed, each on its own, never a summary of everything', async () => {
		const items = Array.from({ length: 10 }, (_, i) => ({ json: { prompt: `history ${i}` } }));
		const result = await run(
			emulator,
			[
				createTask(
					'Generate',
					'sdxl_lighting',
					{ prompt: '={{ $json.prompt }}' },
					{ downloadResults: true },
				),
			],
			{ inputItems: items },
		);
		expect(result.status).toBe('success');
		const files = result.outputOf('Generate');
		expect(files).toHaveLength(10);

		const reads = progressReads(emulator);
		expect(reads.filter(unfiltered)).toEqual([]);
		const taskIds = files.map((f) => f.json.task_id as number);
		expect(Math.min(...taskIds)).toBe(HISTORY + 1);
		for (const taskId of taskIds) {
			const task = emulator.task(taskId)!;
			const own = readsOf(reads, taskId);
			// Never while it could only be waiting in the queue, but for one look when the line said it should have started.
			expect({
				taskId,
				beforeItStarted: own.filter((r) => r.finishedAt! < task.startedAt!).length <= 1,
			}).toEqual({ taskId, beforeItStarted: true });
			// Never sooner than half the shortest pause (less the 30 ms that join reads into one tick), however long the task takes.
			const gaps = own.slice(1).map((r, i) => r.receivedAt - own[i].receivedAt);
			expect({ taskId, shortestGap: Math.min(Infinity, ...gaps) >= 40 }).toEqual({
				taskId,
				shortestGap: true,
			});
		}
		// Every answer was about one of its tasks: none was a listing of the 2,000 before them.
		expect(Math.max(...reads.map((r) => r.responseBytes))).toBeLessThan(5000);
	});

	it('waits for tasks of several flows and group scopes at once, and Get Results reads each task once', async () => {
		const items = [
			{ flow: 'sdxl_lighting', group: 1 },
			{ flow: 'stable_audio_open', group: 2 },
			{ flow: 'sdxl_lighting', group: 3 },
			{ flow: 'stable_audio_open', group: 1 },
			{ flow: 'sdxl_lighting', group: 2 },
		].map((json, i) => ({ json: { ...json, prompt: `mixed ${i}` } }));
		const create = visionatrix('Create', {
			operation: 'create',
			flow: { ...flow('sdxl_lighting', 'name'), value: '={{ $json.flow }}' },
			flowInputs: inputs({ prompt: '={{ $json.prompt }}' }),
			options: { groupScope: '={{ $json.group }}' },
		});
		const result = await run(emulator, [create, waitFor('Wait'), getResults('Results')], {
			inputItems: items,
		});
		expect(result.status).toBe('success');
		const finals = result.outputOf('Wait');
		expect(finals.map((item) => item.json.status)).toEqual(Array(5).fill('completed'));
		const created = finals.map((item) => emulator.task(item.json.task_id as number)!);
		expect(created.map((task) => [task.flow, task.groupScope])).toEqual(
			items.map((item) => [item.json.flow, item.json.group]),
		);
		expect(result.outputOf('Results')).toHaveLength(5);

		const reads = progressReads(emulator);
		expect(reads.filter(unfiltered)).toEqual([]);
		// A summary, if any, is of a flow and group the wait has tasks in.
		for (const summary of reads.filter((r) => r.path === '/vapi/tasks/progress-summary')) {
			expect(
				created.some(
					(task) =>
						task.flow === summary.query.name &&
						String(task.groupScope) === summary.query.group_scope,
				),
			).toBe(true);
		}
		const getResultsStart = result.runData.Results[0].startTime;
		const getResultsReads = reads.filter((r) => r.receivedAt >= getResultsStart);
		expect(getResultsReads.map((r) => r.path).sort()).toEqual(
			created.map((task) => `/vapi/tasks/progress/${task.id}`).sort(),
		);
	});

	it('catches tasks that end faster than a tick', async () => {
		emulator.configure({ taskDurationMs: 5 });
		const items = Array.from({ length: 6 }, (_, i) => ({ json: { prompt: `quick ${i}` } }));
		const result = await run(
			emulator,
			[
				createTask(
					'Generate',
					'sdxl_lighting',
					{ prompt: '={{ $json.prompt }}' },
					{ waitForCompletion: true },
				),
			],
			{ inputItems: items },
		);
		expect(result.status).toBe('success');
		const finals = result.outputOf('Generate');
		expect(finals.map((item) => item.json.status)).toEqual(Array(6).fill('completed'));
		const reads = progressReads(emulator);
		expect(reads.filter(unfiltered)).toEqual([]);
		for (const item of finals)
			expect(readsOf(reads, item.json.task_id as number).length).toBeGreaterThanOrEqual(1);
	});

	it('reports a queued task cancelled while others run, and goes on with the others', async () => {
		emulator.configure({ workers: 1, taskDurationMs: 400 });
		const items = Array.from({ length: 4 }, (_, i) => ({ json: { prompt: `cancel ${i}` } }));
		const handle = startWaitingCreate(items);
		const last = HISTORY + 4;
		await until(
			() => emulator.task(last) !== undefined && emulator.task(HISTORY + 1)?.state === 'running',
			'the tasks exist and the first runs',
		);
		expect(emulator.task(last)!.state).toBe('queued');
		const cancel = await fetch(`${emulator.url}/vapi/tasks/queue/${last}`, {
			method: 'DELETE',
			headers: { authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` },
		});
		expect(cancel.status).toBe(204);
		const result = await handle.result;
		expect(result.status).toBe('success');
		const outputs = result.outputOf('Generate');
		expect(outputs.slice(0, 3).map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
		expect(String(outputs[3].json.error)).toContain(
			`Task ${last} was cancelled or deleted on the Visionatrix server (or belongs to another user)`,
		);
		// Read when the line said it should start (after the three before it), not every tick meanwhile.
		expect(progressReads(emulator).filter(unfiltered)).toEqual([]);
		expect(readsOf(progressReads(emulator), last).length).toBeLessThanOrEqual(2);
	});

	it('reports a task deleted while it runs, and goes on with the others', async () => {
		emulator.configure({ workers: 2, taskDurationMs: 800 });
		const items = Array.from({ length: 3 }, (_, i) => ({ json: { prompt: `delete ${i}` } }));
		const handle = startWaitingCreate(items);
		const victim = HISTORY + 1;
		await until(
			() => emulator.task(victim)?.state === 'running' && progressReads(emulator).length > 0,
			'the first task runs and the wait has looked',
		);
		expect(emulator.deleteTask(victim)).toBe(true);
		const result = await handle.result;
		expect(result.status).toBe('success');
		const outputs = result.outputOf('Generate');
		expect(String(outputs[0].json.error)).toContain(
			`Task ${victim} was cancelled or deleted on the Visionatrix server (or belongs to another user)`,
		);
		expect(outputs.slice(1).map((item) => item.json.status)).toEqual(['completed', 'completed']);
		expect(progressReads(emulator).filter(unfiltered)).toEqual([]);
	});
});
