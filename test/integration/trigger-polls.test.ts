import type { INodeExecutionData } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { VisionatrixTrigger } from '../../nodes/VisionatrixTrigger/VisionatrixTrigger.node';
import {
	FULL_LOOK_EVERY,
	MAX_READS_PER_POLL,
	REREADS_PER_POLL,
	SWEEP_GAP,
} from '../../nodes/VisionatrixTrigger/taskScan';
import { VisionatrixTestClient } from '../contract/client';
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { PolledTrigger } from '../harness/poll';
import { credentialFor } from './visionatrix';

/**
 * How the Visionatrix Trigger's polls find finished tasks on a server that has run for months:
 * thousands of past tasks, another user queueing between polls, tasks that show up out of order,
 * a server that is down at a poll. n8n-core's poll executor runs the polls (test/harness/poll.ts);
 * the tasks are alice's (the credential's user), created over HTTP as the web UI does, and admin's,
 * the other user. Every test checks what a user would: each of alice's finished tasks starts the
 * workflow once, none of admin's does.
 */

const TRIGGER_TYPE = 'n8n-nodes-visionatrix.visionatrixTrigger';
const TRIGGER = 'Task Finished';

let emulator: VisionatrixEmulator;
let alice: VisionatrixTestClient;
let admin: VisionatrixTestClient;

beforeEach(async () => {
	emulator = await startEmulator({ history: 2000, taskDurationMs: 30, workers: 2 });
	alice = new VisionatrixTestClient(emulator.url, emulator.prefix, {
		username: 'alice',
		password: 'alice',
	});
	admin = alice.as({ username: 'admin', password: 'admin' });
});
afterEach(async () => await emulator.stop());

function activeWorkflow(staticData?: PolledTrigger['saved']): PolledTrigger {
	return new PolledTrigger({
		trigger: { name: TRIGGER, type: TRIGGER_TYPE, parameters: { event: 'finished' } },
		nodeTypes: { [TRIGGER_TYPE]: new VisionatrixTrigger() },
		credentialTypes: [new VisionatrixApi()],
		credentials: { visionatrixApi: credentialFor(emulator) },
		staticData,
	});
}

/** Queues `count` tasks of `client`'s user in one request; their ids. */
async function queue(client: VisionatrixTestClient, count = 1): Promise<number[]> {
	const response = await client.createTask('sdxl_lighting', [
		['prompt', 'a lighthouse'],
		['count', String(count)],
	]);
	if (response.status !== 200) throw new Error(`create: ${response.status} ${response.text()}`);
	return response.json().tasks_ids as number[];
}

/** Waits until the tasks have finished (a backlog of hundreds takes the two workers a while). */
async function finished(ids: number[]): Promise<number[]> {
	await Promise.all(ids.map(async (id) => await emulator.waitForTask(id, 120_000)));
	return ids;
}

const idsOf = (emitted: INodeExecutionData[][] | null): number[] =>
	emitted ? emitted[0].map((item) => item.json.task_id as number) : [];
const summaryReads = () =>
	emulator.requests.filter((r) => r.path === '/vapi/tasks/progress-summary').length;

/** Polls `polls` times; what each poll emitted. */
async function poll(workflow: PolledTrigger, polls: number): Promise<number[][]> {
	const emitted: number[][] = [];
	for (let index = 0; index < polls; index++) emitted.push(idsOf(await workflow.tick()));
	return emitted;
}

describe('Visionatrix Trigger polls on a server with 2,000 past tasks', () => {
	it("starts the workflow once for each of the user's tasks while another user's tasks interleave, over 65 polls", async () => {
		const workflow = activeWorkflow();
		expect(await workflow.activate()).toBeNull();
		const mine: number[] = [];
		const emitted: number[] = [];
		for (let round = 1; round <= 65; round++) {
			// Between two polls: the other user queues 0 to 4 tasks, the user 0 to 2, in turn; some
			// of the user's fail, some are still running at the poll.
			if (round % 3 !== 0) await queue(admin, 1 + (round % 3));
			if (round % 2 === 0) mine.push(...(await queue(alice)));
			if (round % 7 === 0) emulator.failNextTasks(1, 'CUDA out of memory');
			if (round % 5 === 0) mine.push(...(await queue(alice)));
			if (round % 4 === 0) await queue(admin, 2);
			emitted.push(...idsOf(await workflow.tick()));
		}
		await finished(mine);
		emitted.push(...(await poll(workflow, 2)).flat());

		expect([...emitted].sort((a, b) => a - b)).toEqual(mine);
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(workflow.errors).toEqual([]);
		// The summary of the 2,000 tasks: at activation and at polls 30 and 60 only.
		expect(summaryReads()).toBe(3);
	});

	it("starts the workflow for the user's task behind a longer run of another user's tasks at the next full look, once", async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		await queue(admin, SWEEP_GAP + 5);
		const [behind] = await finished(await queue(alice));

		const emitted = await poll(workflow, FULL_LOOK_EVERY);
		expect(emitted.flat()).toEqual([behind]);
		expect(emitted.findIndex((ids) => ids.length > 0) + 1).toBe(FULL_LOOK_EVERY);
		// From there on the next task is found at the next poll.
		const next = await finished(await queue(alice));
		expect(await poll(workflow, 2)).toEqual([next, []]);
	});

	it('starts the workflow for a task stored after a later one (the server gives out ids before it stores a task) at the next poll, once', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		const [early, late] = await finished([...(await queue(alice)), ...(await queue(alice))]);
		// As the real server answers while it still checks the first task's inputs.
		let stored = false;
		emulator.intercept((request) =>
			request.path === `/vapi/tasks/progress/${early}` && !stored
				? ((stored = true),
					{ reply: { status: 404, body: { detail: `Task \`${early}\` was not found.` } } })
				: undefined,
		);

		expect(await poll(workflow, 3)).toEqual([[late], [early], []]);
	});

	it('starts the workflow for more unfinished tasks than a poll re-reads, each once, oldest first', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		emulator.configure({ workers: 0 });
		const queued = await queue(alice, 2 * REREADS_PER_POLL + 5);
		expect(await workflow.tick()).toBeNull();
		emulator.configure({ workers: 2 });
		await finished(queued);

		const emitted = await poll(workflow, 4);
		expect(emitted.flat()).toEqual(queued);
		expect(emitted.at(-1)).toEqual([]);
	});

	it('after a long outage, starts the workflow for at most a few hundred tasks per poll, the next polls going on: each task once, oldest first', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		emulator.configure({ taskDurationMs: 1 });
		const backlog = await finished(await queue(alice, 2 * MAX_READS_PER_POLL + 50));

		const emitted = await poll(workflow, 4);
		expect(emitted.flat()).toEqual(backlog);
		expect(emitted.map((ids) => ids.length <= MAX_READS_PER_POLL + SWEEP_GAP)).toEqual([
			true,
			true,
			true,
			true,
		]);
		expect(emitted.at(-1)).toEqual([]);
	});

	it('does the same when the full look finds the backlog behind a run of another user’s tasks', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		await queue(admin, SWEEP_GAP + 5);
		emulator.configure({ taskDurationMs: 1 });
		const backlog = await finished(await queue(alice, MAX_READS_PER_POLL + 50));

		const emitted = await poll(workflow, FULL_LOOK_EVERY + 2);
		expect(emitted.flat()).toEqual(backlog);
		expect(emitted.slice(FULL_LOOK_EVERY - 1).map((ids) => ids.length)).toEqual([
			MAX_READS_PER_POLL,
			50,
			0,
		]);
	});

	it('starts the workflow again for a failed task restarted in Visionatrix, once a full look saw it queued', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		emulator.failNextTasks(1, 'CUDA out of memory');
		const [task] = await finished(await queue(alice));
		expect(idsOf(await workflow.tick())).toEqual([task]);

		emulator.configure({ workers: 0 });
		const restart = await alice.request('POST', '/tasks/restart', undefined, {
			query: { task_id: task },
		});
		expect(restart.status).toBe(204);
		expect((await poll(workflow, FULL_LOOK_EVERY)).flat()).toEqual([]);
		emulator.configure({ workers: 2 });
		await finished([task]);
		expect(await poll(workflow, 2)).toEqual([[task], []]);
		expect(emulator.task(task)?.state).toBe('completed');
	});

	it('forgets an unfinished task deleted in Visionatrix without an error', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		emulator.configure({ workers: 0 });
		const [deleted] = await queue(alice);
		expect(await workflow.tick()).toBeNull();
		emulator.deleteTask(deleted);
		emulator.configure({ workers: 2 });
		const after = await finished(await queue(alice));

		expect(await poll(workflow, 2)).toEqual([after, []]);
		expect(workflow.errors).toEqual([]);
	});

	it('says the trigger tries again when the server is down at a poll, and loses nothing', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		const task = await finished(await queue(alice));
		await emulator.stopServing();
		expect(await workflow.tick()).toBeNull();
		await emulator.serveAgain();

		expect(workflow.errors.map((error) => error.message)).toEqual([
			'Cannot reach Visionatrix to look for finished tasks (connection refused): the trigger tries again at its next poll',
		]);
		expect((workflow.errors[0] as Error & { description?: string }).description).toMatch(
			/^Nothing is lost: tasks that finish while the server cannot be reached start the workflow at the first poll that reaches it/,
		);
		expect(await poll(workflow, 2)).toEqual([task, []]);
	});

	it('fails publishing when the server is down at the first poll, saying to publish again', async () => {
		await emulator.stopServing();
		await expect(activeWorkflow().activate()).rejects.toThrow(
			'Cannot reach Visionatrix to take note of the tasks already there (connection refused), so the trigger did not start: publish the workflow again once the server answers',
		);
	});

	it("takes over the state of the trigger's first release: what finished since is emitted once, nothing earlier", async () => {
		// What the first release kept: the highest task id of the summary and the unfinished tasks.
		const summary = (
			await alice.get('/tasks/progress-summary', { query: { group_scope: 0 } })
		).json();
		const lastTaskId = Math.max(...Object.keys(summary).map(Number));
		const workflow = activeWorkflow({
			[`node:${TRIGGER}`]: {
				filter: JSON.stringify({ flow: '', groupScope: 0 }),
				lastTaskId,
				unfinished: [],
			},
		});
		await queue(admin, 3);
		const since = await finished([...(await queue(alice)), ...(await queue(alice))]);

		expect(await workflow.activate('init')).toEqual([
			since.map((task_id) =>
				expect.objectContaining({ json: expect.objectContaining({ task_id }) }),
			),
		]);
		expect(await poll(workflow, 2)).toEqual([[], []]);
	});
});
