import type {
	ICredentialDataDecryptedObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';
import type { VisionatrixEmulator } from '../emulator';
import { decodePng, readPngHeader } from '../emulator';
import {
	runWorkflow,
	startWorkflow,
	type HarnessNode,
	type RunHandle,
	type RunOptions,
	type RunResult,
} from '../harness';

/**
 * Running the Visionatrix node in n8n's execution engine against the emulator, in the words the
 * tests use: a node is a step with its parameters, a run is a workflow of steps.
 */

export const NODE_TYPE = 'n8n-nodes-visionatrix.visionatrix';

export function credentialFor(
	emulator: VisionatrixEmulator,
	user: { username: string; password: string } | null = { username: 'alice', password: 'alice' },
	apiVersion: 'current' | 'legacy' = emulator.prefix === '/api' ? 'legacy' : 'current',
): ICredentialDataDecryptedObject {
	return {
		baseUrl: `${emulator.url}/`,
		apiVersion,
		username: user?.username ?? '',
		password: user?.password ?? '',
	};
}

/**
 * A Visionatrix step: `visionatrix('Generate', { operation: 'create', ... })`. A version 1 node
 * unless `extra.typeVersion` says otherwise: the suites written before 1.1 keep testing what stored
 * version 1 workflows do (1.1 changed only Create's Output; see test/integration/output.test.ts).
 */
export function visionatrix(
	name: string,
	parameters: INodeParameters,
	extra: Partial<HarnessNode> = {},
): HarnessNode {
	return {
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		parameters: { resource: 'task', ...parameters },
		...extra,
	};
}

/** The flow picker's value, as the editor stores it. */
export function flow(name: string, mode: 'list' | 'name' = 'list') {
	return { __rl: true, mode, value: name };
}

/** The typed inputs, as the resource mapper stores them. */
export function inputs(values: Record<string, string | number | boolean>) {
	return { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] };
}

export function createTask(
	name: string,
	flowName: string,
	values: Record<string, string | number | boolean>,
	options: INodeParameters = {},
): HarnessNode {
	return visionatrix(name, {
		operation: 'create',
		flow: flow(flowName),
		flowInputs: inputs(values),
		options,
	});
}

export const waitFor = (name: string, options: INodeParameters = {}) =>
	visionatrix(name, { operation: 'waitForCompletion', taskId: '={{ $json.task_id }}', options });

export const getResults = (name: string, parameters: INodeParameters = {}) =>
	visionatrix(name, { operation: 'getResults', taskId: '={{ $json.task_id }}', ...parameters });

type VisionatrixRunOptions = Partial<RunOptions> & { credential?: ICredentialDataDecryptedObject };

function runOptions(
	emulator: VisionatrixEmulator,
	nodes: HarnessNode[],
	options: VisionatrixRunOptions,
): RunOptions {
	const { credential, ...rest } = options;
	return {
		nodes,
		nodeTypes: { [NODE_TYPE]: new Visionatrix() },
		credentialTypes: [new VisionatrixApi()],
		credentials: { visionatrixApi: credential ?? credentialFor(emulator) },
		timeoutMs: 60_000,
		...rest,
	};
}

/** Runs the steps as a workflow in n8n's execution engine, to its end. */
export async function run(
	emulator: VisionatrixEmulator,
	nodes: HarnessNode[],
	options: VisionatrixRunOptions = {},
): Promise<RunResult> {
	return await runWorkflow(runOptions(emulator, nodes, options));
}

/** Starts the steps without waiting for the end (to stop the execution mid-run). */
export function start(
	emulator: VisionatrixEmulator,
	nodes: HarnessNode[],
	options: VisionatrixRunOptions = {},
): RunHandle {
	return startWorkflow(runOptions(emulator, nodes, options));
}

/** What a user checks of a PNG: it is one, its size, and whether it has an alpha channel. */
export function pngFacts(bytes: Buffer) {
	const header = readPngHeader(bytes);
	const image = decodePng(bytes);
	let transparentPixels = 0;
	for (let i = 3; i < image.data.length; i += 4) if (image.data[i] < 255) transparentPixels++;
	return {
		width: header.width,
		height: header.height,
		hasAlpha: header.colorType === 6,
		transparentPixels,
	};
}

export function jsonOf(items: INodeExecutionData[]) {
	return items.map((item) => item.json);
}
