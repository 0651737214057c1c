import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';
import { VisionatrixTrigger } from '../../nodes/VisionatrixTrigger/VisionatrixTrigger.node';
import { VisionatrixTestClient } from '../contract/client';
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { runWorkflow } from '../harness';
import { PolledTrigger } from '../harness/poll';
import { FULL_LOOK_EVERY } from '../../nodes/VisionatrixTrigger/taskScan';
import { NODE_TYPE, credentialFor, flow, getResults, jsonOf, pngFacts } from './visionatrix';

/**
 * The Visionatrix Trigger in an active workflow, polled by n8n-core's poll executor as n8n polls it,
 * against the emulator. Tasks are created as the Visionatrix web UI creates them (alice's, over
 * HTTP); the emulator's workers are paused where a test needs a task unfinished at a poll.
 */

const TRIGGER_TYPE = 'n8n-nodes-visionatrix.visionatrixTrigger';
const TRIGGER = 'Task Finished';

let emulator: VisionatrixEmulator;
let webUi: VisionatrixTestClient;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 60, workers: 1 });
	webUi = new VisionatrixTestClient(emulator.url, emulator.prefix, {
		username: 'alice',
		password: 'alice',
	});
});
afterEach(async () => await emulator.stop());

function activeWorkflow(
	parameters: INodeParameters = {},
	binaryDataMode: 'default' | 'filesystem' = 'default',
): PolledTrigger {
	return new PolledTrigger({
		binaryDataMode,
		trigger: {
			name: TRIGGER,
			type: TRIGGER_TYPE,
			parameters: { event: 'completed', ...parameters },
		},
		nodeTypes: { [TRIGGER_TYPE]: new VisionatrixTrigger(), [NODE_TYPE]: new Visionatrix() },
		credentialTypes: [new VisionatrixApi()],
		credentials: { visionatrixApi: credentialFor(emulator) },
	});
}

/** Creates a task as the web UI does; resolves when it finished (or at once with `finish: false`). */
async function webUiTask(
	flowName = 'sdxl_lighting',
	fields: Array<[string, string]> = [['prompt', 'a lighthouse']],
	finish = true,
): Promise<number> {
	const response = await webUi.createTask(flowName, fields);
	if (response.status !== 200) throw new Error(`create: ${response.status} ${response.text()}`);
	const [taskId] = response.json().tasks_ids as number[];
	if (finish) await emulator.waitForTask(taskId);
	return taskId;
}

/** A task that is still queued at the next poll: the workers are paused until `finish()`. */
async function queuedTask(
	flowName?: string,
): Promise<{ taskId: number; finish: () => Promise<void> }> {
	emulator.configure({ workers: 0 });
	const taskId = await webUiTask(flowName, undefined, false);
	return {
		taskId,
		finish: async () => {
			emulator.configure({ workers: 1 });
			await emulator.waitForTask(taskId);
		},
	};
}

const taskIdsOf = (emitted: INodeExecutionData[][] | null) =>
	emitted ? emitted[0].map((item) => item.json.task_id) : null;
const summaryReads = () =>
	emulator.requests.filter((r) => r.path === '/vapi/tasks/progress-summary');
/** The ids the trigger asked for one by one (`GET /tasks/progress/{id}`). */
const taskReads = () =>
	emulator.requests
		.filter((r) => r.path.startsWith('/vapi/tasks/progress/'))
		.map((r) => Number(r.path.split('/').at(-1)));

describe('Visionatrix Trigger in an active workflow', () => {
	it('replays nothing at activation, then starts the workflow once for a task that finishes between polls', async () => {
		const before = await webUiTask();
		const workflow = activeWorkflow();

		expect(await workflow.activate()).toBeNull();
		expect(await workflow.tick()).toBeNull();

		const { taskId, finish } = await queuedTask();
		expect(await workflow.tick()).toBeNull();
		await finish();
		const emitted = await workflow.tick();
		expect(taskIdsOf(emitted)).toEqual([taskId]);
		expect(emitted![0][0].json).toMatchObject({
			task_id: taskId,
			name: 'sdxl_lighting',
			status: 'completed',
			progress: 100,
			error: '',
		});
		expect(await workflow.tick()).toBeNull();
		expect(taskIdsOf(await workflow.tick())).toBeNull();
		expect(taskId).toBeGreaterThan(before);

		// The execution it starts: the next node gets the task's files by its task_id.
		const result = await workflow.run(emitted!, [getResults('Get Image')]);
		expect(result.status).toBe('success');
		expect(jsonOf(result.outputOf(TRIGGER)).map((task) => task.task_id)).toEqual([taskId]);
		expect(result.outputOf('Get Image')[0].json).toMatchObject({
			task_id: taskId,
			file_name: `${taskId}_9_00001.png`,
		});

		// The summary of every task once, at activation; each poll after it asks for the ids above
		// the last task seen, one by one, and reads the task that was unfinished: nothing else.
		expect(summaryReads().map((r) => r.query)).toEqual([{ group_scope: '0' }]);
		const otherReads = emulator.requests.filter(
			(r) => r.method === 'GET' && !r.path.startsWith('/vapi/tasks/progress'),
		);
		expect(otherReads.map((r) => r.path)).toEqual(['/vapi/tasks/results']);
		expect(taskReads().every((id) => id > before)).toBe(true);
	});

	it('emits a task that finished while n8n was down once n8n is back, and no task it already emitted', async () => {
		const workflow = activeWorkflow();
		await workflow.activate();
		const first = await webUiTask();
		expect(taskIdsOf(await workflow.tick())).toEqual([first]);

		const whileDown = await webUiTask();
		const restarted = workflow.restart();
		// n8n polls once when it activates the workflow at startup: that poll emits the missed task.
		expect(taskIdsOf(await restarted.activate('init'))).toEqual([whileDown]);
		expect(await restarted.tick()).toBeNull();
	});

	it('starts the workflow for failed tasks per the event: Task Failed, or Task Finished for both', async () => {
		const onCompleted = activeWorkflow({ event: 'completed' });
		const onFailed = activeWorkflow({ event: 'failed' });
		const onFinished = activeWorkflow({ event: 'finished' });
		for (const workflow of [onCompleted, onFailed, onFinished]) await workflow.activate();

		const ok = await webUiTask();
		emulator.failNextTasks(1, 'CUDA out of memory');
		const failed = await webUiTask();

		expect(taskIdsOf(await onCompleted.tick())).toEqual([ok]);
		const failedItems = await onFailed.tick();
		expect(taskIdsOf(failedItems)).toEqual([failed]);
		expect(failedItems![0][0].json).toMatchObject({
			status: 'failed',
			error: 'CUDA out of memory',
		});
		expect(taskIdsOf(await onFinished.tick())).toEqual([ok, failed]);
	});

	it('starts the workflow only for tasks of the flow and group set, and asks the summary for them alone', async () => {
		const workflow = activeWorkflow({ flow: flow('sdxl_lighting'), filters: { groupScope: 2 } });
		await workflow.activate();

		const inGroup = await webUiTask('sdxl_lighting', [
			['prompt', 'a fox'],
			['group_scope', '2'],
		]);
		await webUiTask('sdxl_lighting', [['prompt', 'a fox in group 1']]);
		await webUiTask('ask_ai_internal', [
			['prompt', 'hello'],
			['group_scope', '2'],
		]);

		expect(taskIdsOf(await workflow.tick())).toEqual([inGroup]);
		// The full look, every 30th poll, asks the server for the flow and group alone.
		for (let poll = 2; poll <= FULL_LOOK_EVERY; poll++) expect(await workflow.tick()).toBeNull();
		expect(summaryReads().map((r) => r.query)).toEqual([
			{ group_scope: '0' },
			{ name: 'sdxl_lighting', group_scope: '2' },
		]);
	});

	it("with Download Results, outputs each completed task's files as Get Results does, and a failed task as its state", async () => {
		const workflow = activeWorkflow(
			{ event: 'finished', options: { downloadResults: true } },
			'filesystem',
		);
		await workflow.activate();
		const image = await webUiTask('sdxl_lighting', [['prompt', 'a red boat']]);
		const answer = await webUiTask('ask_ai_internal', [['prompt', 'Say hi']]);
		emulator.failNextTasks(1, 'Model not found');
		const failed = await webUiTask();

		const emitted = await workflow.tick();
		const result = await workflow.run(emitted!);
		expect(result.status).toBe('success');
		const items = result.outputOf(TRIGGER);
		expect(jsonOf(items)).toEqual([
			expect.objectContaining({
				task_id: image,
				node_id: 9,
				type: 'image',
				file_name: `${image}_9_00001.png`,
				mime_type: 'image/png',
			}),
			expect.objectContaining({
				task_id: answer,
				type: 'text',
				text: `Emulated answer (seed ${emulator.task(answer)!.seed}): you asked "Say hi".\n`,
			}),
			expect.objectContaining({ task_id: failed, status: 'failed', error: 'Model not found' }),
		]);
		expect(pngFacts(await result.binaryOf(TRIGGER, 0))).toMatchObject({
			width: 64,
			hasAlpha: false,
		});
		expect(items[2].binary).toBeUndefined();
		// The files are the execution's (n8n deletes them with it), not a poll's under executions/temp.
		expect(emitted![0].every((item) => item.binary === undefined)).toBe(true);
		for (const item of items.slice(0, 2))
			expect(item.binary!.data.id).toMatch(/executions\/\d+\/binary_data\//);
	});

	it('does not hold back a task whose files cannot be downloaded: it goes out once, as its state with the error', async () => {
		const workflow = activeWorkflow({ options: { downloadResults: true } });
		await workflow.activate();
		const lost = await webUiTask();
		const removeFault = emulator.intercept((request) =>
			request.path === '/vapi/tasks/results' && request.query.task_id === String(lost)
				? {
						reply: {
							status: 404,
							body: { detail: `Missing result for task=\`${lost}\` and node=\`9\`.` },
						},
					}
				: undefined,
		);
		const kept = await webUiTask();

		const emitted = await workflow.tick();
		const result = await workflow.run(emitted!);
		expect(result.status).toBe('success');
		const items = result.outputOf(TRIGGER);
		expect(jsonOf(items)).toEqual([
			expect.objectContaining({
				task_id: lost,
				status: 'completed',
				download_error: expect.stringContaining(`task ${lost}`),
			}),
			expect.objectContaining({ task_id: kept, file_name: `${kept}_9_00001.png` }),
		]);
		expect(items[0].binary).toBeUndefined();
		removeFault();
		expect(await workflow.tick()).toBeNull();
	});
});

describe('Visionatrix Trigger, tested by hand in the editor', () => {
	const manualRun = async (parameters: INodeParameters) =>
		await runWorkflow({
			nodes: [
				{ name: TRIGGER, type: TRIGGER_TYPE, parameters: { event: 'completed', ...parameters } },
			],
			nodeTypes: { [TRIGGER_TYPE]: new VisionatrixTrigger() },
			credentialTypes: [new VisionatrixApi()],
			credentials: { visionatrixApi: credentialFor(emulator) },
			startNode: TRIGGER,
		});

	it('returns the most recent finished task, so the next nodes can be set up with its shape', async () => {
		await webUiTask();
		const latest = await webUiTask();
		emulator.failNextTasks(1);
		await webUiTask();

		const result = await manualRun({});
		expect(result.status).toBe('success');
		expect(jsonOf(result.outputOf(TRIGGER))).toEqual([
			expect.objectContaining({ task_id: latest, status: 'completed' }),
		]);
	});

	it('says so when no task has finished yet', async () => {
		const result = await manualRun({ event: 'failed', flow: flow('sdxl_lighting', 'name') });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			"No task of flow 'sdxl_lighting' has failed on the Visionatrix server yet",
		);
	});

	it('given a display name By Name, names the flow id meant instead of waiting for tasks that never come', async () => {
		const result = await manualRun({ flow: flow('SDXL Lighting', 'name') });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			"Flow 'SDXL Lighting' is not installed on this Visionatrix server: did you mean sdxl_lighting (SDXL Lighting)?",
		);
	});
});
