/**
 * (a) This node, through n8n's execution engine (the in-process harness, binary data in
 * `filesystem` mode as in n8n 2.x): Manual Trigger → N items → Create Task with Download Results
 * (throughput rows), or Create Task → Wait for Completion → Get Results (memory rows); every
 * other option at its default.
 */
import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';
import type { INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, type HarnessNode, type RunResult } from '../../test/harness';
import {
	NODE_TYPE,
	createTask,
	flow,
	getResults,
	inputs,
	visionatrix,
	waitFor,
} from '../../test/integration/visionatrix';
import type { SharedSpec } from '../types';
import { API_VERSION, USER } from './plain-http';

export const WAIT_NODE = 'Wait for Completion';

export interface NodeRun {
	files: number;
	bytes: number;
	/** When Wait for Completion ran (epoch ms), from the engine's run data. */
	waitPhases: Array<{ from: number; to: number }>;
	/** When each step ran (epoch ms). */
	phases: Record<string, { from: number; to: number }>;
}

export const STEPS = ['Create Task', WAIT_NODE, 'Get Results'] as const;

/**
 * Runs Visionatrix steps as a workflow in n8n's engine against the emulator at `baseUrl`, binary
 * data in `filesystem` mode; throws unless the run succeeded.
 */
export async function runInEngine(
	baseUrl: string,
	nodes: HarnessNode[],
	inputItems: INodeExecutionData[],
	timeoutMs: number,
): Promise<RunResult> {
	const result = await runWorkflow({
		nodes,
		nodeTypes: { [NODE_TYPE]: new Visionatrix() },
		credentialTypes: [new VisionatrixApi()],
		credentials: { visionatrixApi: { baseUrl: `${baseUrl}/`, apiVersion: API_VERSION, ...USER } },
		inputItems,
		binaryDataMode: 'filesystem',
		timeoutMs,
	});
	if (result.status !== 'success') {
		throw new Error(
			`The workflow ended with status ${result.status}: ${result.error?.message ?? 'no error'}`,
		);
	}
	return result;
}

/**
 * `three-steps`: Create Task → Wait for Completion → Get Results (the memory rows); `create`: one
 * Create Task with Download Results, which waits and fetches each task's files as it completes
 * (the throughput rows: the step that knows its tasks from the start).
 */
export async function runNode(
	baseUrl: string,
	n: number,
	timeoutMs: number,
	shape: 'three-steps' | 'create' = 'three-steps',
): Promise<NodeRun> {
	const prompt = { prompt: '={{ $json.prompt }}', steps_number: '4 steps' };
	const steps = shape === 'create' ? [STEPS[0]] : [...STEPS];
	const nodes =
		shape === 'create'
			? [createTask(STEPS[0], 'sdxl_lighting', prompt, { downloadResults: true })]
			: [createTask(STEPS[0], 'sdxl_lighting', prompt), waitFor(STEPS[1]), getResults(STEPS[2])];
	const result = await runInEngine(
		baseUrl,
		nodes,
		Array.from({ length: n }, (_, index) => ({ json: { prompt: `bench prompt ${index}` } })),
		timeoutMs,
	);
	const files = result.outputOf(steps[steps.length - 1]);
	if (files.length !== n) throw new Error(`The run gave ${files.length} files for ${n} tasks`);
	const bytes = files.reduce((sum, item) => sum + Number(item.json.file_size ?? 0), 0);
	const phases: NodeRun['phases'] = {};
	for (const step of steps) {
		const [ran] = result.runData[step];
		phases[step] = { from: ran.startTime, to: ran.startTime + ran.executionTime };
	}
	return {
		files: files.length,
		bytes,
		waitPhases: [phases[shape === 'create' ? STEPS[0] : WAIT_NODE]],
		phases,
	};
}

/**
 * The shared-server rows: `executions` workflows at once, each through its own proxy, each a
 * version 1.2 Create with Output Files (the node's default) over its share of the `n` items. With
 * `expectError` the run must end in the node's error, which is the result (the no-worker row).
 */
export async function runNodeShared(
	urls: string[],
	n: number,
	timeoutMs: number,
	shared: SharedSpec,
): Promise<NodeRun & { nodeError?: { message: string; afterMs: number } }> {
	const executions = shared.executions ?? 1;
	const started = Date.now();
	const options = shared.timeoutSeconds ? { timeout: shared.timeoutSeconds } : {};
	const runs = await Promise.all(
		Array.from({ length: executions }, async (_, execution) => {
			const create = visionatrix(
				STEPS[0],
				{
					operation: 'create',
					flow: flow('sdxl_lighting'),
					flowInputs: inputs({ prompt: '={{ $json.prompt }}', steps_number: '4 steps' }),
					options,
				},
				{ typeVersion: 1.2 },
			);
			const items = Array.from({ length: n / executions }, (_, index) => ({
				json: { prompt: `exec ${execution} prompt ${index}` },
			}));
			return await runWorkflow({
				nodes: [create],
				nodeTypes: { [NODE_TYPE]: new Visionatrix() },
				credentialTypes: [new VisionatrixApi()],
				credentials: {
					visionatrixApi: { baseUrl: `${urls[execution]}/`, apiVersion: API_VERSION, ...USER },
				},
				inputItems: items,
				binaryDataMode: 'filesystem',
				timeoutMs,
			});
		}),
	);
	const failed = runs.find((result) => result.status !== 'success');
	if (shared.expectError) {
		if (!failed?.error) throw new Error('The run was expected to fail, and it succeeded');
		return {
			files: 0,
			bytes: 0,
			waitPhases: [],
			phases: {},
			nodeError: { message: failed.error.message, afterMs: Date.now() - started },
		};
	}
	if (failed) throw new Error(`A workflow ended with ${failed.status}: ${failed.error?.message}`);
	const files = runs.flatMap((result) => result.outputOf(STEPS[0]));
	if (files.length !== n) throw new Error(`The runs gave ${files.length} files for ${n} tasks`);
	const waitPhases = runs.map((result) => {
		const [ran] = result.runData[STEPS[0]];
		return { from: ran.startTime, to: ran.startTime + ran.executionTime };
	});
	return {
		files: files.length,
		bytes: files.reduce((sum, item) => sum + Number(item.json.file_size ?? 0), 0),
		waitPhases,
		phases: {},
	};
}
