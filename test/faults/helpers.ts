/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/** What the fault tests share: one emulator per suite, reading its log, and checking downloaded files byte for byte. */
import type { INodeExecutionData } from 'n8n-workflow';

import {
	injectFaults,
	startEmulator,
	type EmulatedTask,
	type EmulatorOptions,
	type Faults,
	type RecordedRequest,
	type VisionatrixEmulator,
} from '../emulator';
import type { RunResult } from '../harness';

export {
	createTask,
	credentialFor,
	getResults,
	run,
	start,
	visionatrix,
	waitFor,
	flow,
	inputs,
	NODE_TYPE,
} from '../integration/visionatrix';

/**
 * One emulator for the suite's tests, handed to `started` once it is up: its request log emptied
 * before each test, the faults injected through `faults` removed after each, stopped at the end.
 */
export function sharedEmulator(
	options: EmulatorOptions,
	started: (emulator: VisionatrixEmulator, faults: Faults) => void,
): void {
	let emulator: VisionatrixEmulator | undefined;
	let faults: Faults | undefined;
	beforeAll(async () => {
		emulator = await startEmulator(options);
		faults = injectFaults(emulator);
		started(emulator, faults);
	});
	afterAll(async () => await emulator?.stop());
	beforeEach(() => emulator!.clearRequests());
	afterEach(() => faults!.clear());
}

/** The node with Continue On Fail on. */
export const continuing = <T extends object>(node: T) => ({ ...node, continueOnFail: true });

/** Requests in the emulator's log whose path (under the prefix) matches. */
export function requestsTo(
	emulator: VisionatrixEmulator,
	method: string,
	path: string | RegExp,
	from = 0,
): RecordedRequest[] {
	return emulator.requests.slice(from).filter((request) => {
		if (request.method !== method) return false;
		const routePath = request.path.slice(emulator.prefix.length);
		return typeof path === 'string' ? routePath === path : path.test(routePath);
	});
}

/** Statuses of those requests, in order (0: the connection was dropped). */
export function statusesOf(
	emulator: VisionatrixEmulator,
	method: string,
	path: string | RegExp,
): number[] {
	return requestsTo(emulator, method, path).map((request) => request.status);
}

export const creates = (emulator: VisionatrixEmulator) =>
	requestsTo(emulator, 'PUT', /^\/tasks\/create\//);
export const progressReads = (emulator: VisionatrixEmulator, from = 0) =>
	requestsTo(emulator, 'GET', /^\/tasks\/progress(-summary)?(\/\d+)?$/, from);

/** The file a task stored for (node, batch index), as the server would serve it. */
export function storedResult(task: EmulatedTask, nodeId: number, batchIndex: number): Buffer {
	const prefix = `${task.id}_${nodeId}_`;
	const files = task.results
		.filter((file) => file.fileName.startsWith(prefix))
		.sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
	const file = files[batchIndex];
	if (!file) throw new Error(`Task ${task.id} has no result ${batchIndex} of node ${nodeId}`);
	return file.data;
}

/**
 * Every output item of the node that carries a file holds exactly the bytes the server stored for
 * its (task, node, batch index), with the size in its JSON; returns how many files were checked.
 */
export async function expectFilesIntact(
	result: RunResult,
	nodeName: string,
	emulator: VisionatrixEmulator,
	property = 'data',
): Promise<number> {
	const items = result.outputOf(nodeName);
	let checked = 0;
	for (const [index, item] of items.entries()) {
		if (!item.binary?.[property]) continue;
		const {
			task_id: taskId,
			node_id: nodeId,
			batch_index: batchIndex,
			file_size: size,
		} = item.json as Record<string, number>;
		const stored = storedResult(emulator.task(taskId)!, nodeId, batchIndex);
		const bytes = await result.binaryOf(nodeName, index, property);
		expect({
			taskId,
			nodeId,
			batchIndex,
			size,
			bytes: bytes.length,
			same: bytes.equals(stored),
		}).toEqual({
			taskId,
			nodeId,
			batchIndex,
			size: stored.length,
			bytes: stored.length,
			same: true,
		});
		checked++;
	}
	return checked;
}

/** The error items of a node's output (Continue On Fail), by input item. */
export function errorItems(
	items: INodeExecutionData[],
): Array<{ item: number; message: string; json: Record<string, unknown> }> {
	return items
		.filter((item) => item.error !== undefined || typeof item.json.error === 'string')
		.map((item) => ({
			item: (item.pairedItem as { item: number }).item,
			message: String(item.error?.message ?? item.json.error),
			json: item.json as Record<string, unknown>,
		}));
}

/** Resolves when `condition` holds, checking every 10 ms; rejects with `what` after `timeoutMs`. */
export async function until(
	condition: () => boolean,
	what: string,
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Still not true after ${timeoutMs} ms: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
