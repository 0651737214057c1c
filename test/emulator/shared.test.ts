/* eslint-disable
	@n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/** The emulator as a server others share: their tasks, the order workers take tasks in, workers that go away. */
import axios from 'axios';

import { startEmulator, type VisionatrixEmulator } from '.';
import type { EmulatorOptions } from './types';

const alice = { username: 'alice', password: 'alice' };

async function withEmulator(
	options: EmulatorOptions,
	test: (vix: VisionatrixEmulator) => Promise<void>,
): Promise<void> {
	const vix = await startEmulator(options);
	try {
		await test(vix);
	} finally {
		await vix.stop();
	}
}

const get = async (vix: VisionatrixEmulator, path: string, params: Record<string, unknown> = {}) =>
	await axios.get(`${vix.url}/vapi${path}`, { auth: alice, params, validateStatus: () => true });

/** The flows list's `is_supported_by_workers` for sdxl_lighting. */
async function sdxlSupported(vix: VisionatrixEmulator): Promise<boolean> {
	const flows = (await get(vix, '/flows/installed')).data as Array<{
		name: string;
		is_supported_by_workers: boolean;
	}>;
	return flows.find((flow) => flow.name === 'sdxl_lighting')!.is_supported_by_workers;
}

/** Queues `count` tasks as alice, lets one worker run them all, and returns their ids in the order they started. */
async function startOrder(vix: VisionatrixEmulator, ids: number[]): Promise<number[]> {
	vix.configure({ workers: 1 });
	for (const id of ids) await vix.waitForTask(id);
	return [...ids].sort((a, b) => vix.task(a)!.startedAt! - vix.task(b)!.startedAt!);
}

describe('the order workers take queued tasks in', () => {
	it('oldest first by default, highest priority before that, and newest first or shuffled when asked: never a promise of id order', async () => {
		const orderOf = async (queueOrder?: EmulatorOptions['queueOrder']) => {
			let order: number[] = [];
			await withEmulator({ workers: 0, taskDurationMs: 20, queueOrder }, async (vix) => {
				const ids = await vix.queueTasks({ user: 'alice', count: 6 });
				const [urgent] = await vix.queueTasks({ user: 'alice', count: 1, priority: 3 });
				order = await startOrder(vix, [...ids, urgent]);
			});
			return order;
		};
		expect(await orderOf()).toEqual([7, 1, 2, 3, 4, 5, 6]);
		expect(await orderOf('newest')).toEqual([7, 6, 5, 4, 3, 2, 1]);
		const shuffled = await orderOf({ seed: 7 });
		expect(shuffled[0]).toBe(7);
		expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(shuffled.slice(1)).not.toEqual([1, 2, 3, 4, 5, 6]);
		expect(shuffled.slice(1)).not.toEqual([6, 5, 4, 3, 2, 1]);
		// The same seed, the same order: a database's order is arbitrary, not random from run to run.
		expect(await orderOf({ seed: 7 })).toEqual(shuffled);
	});

	it('a worker takes the flow it ran last before an older task of another flow of the same priority', async () => {
		await withEmulator({ workers: 0, taskDurationMs: 20 }, async (vix) => {
			const [first] = await vix.queueTasks({ user: 'alice', count: 1 });
			const [answer] = await vix.queueTasks({ user: 'alice', count: 1, flow: 'ask_ai_internal' });
			const [sdxl] = await vix.queueTasks({ user: 'alice', count: 1 });
			// One worker: it runs the first sdxl task, then prefers sdxl over the older text answer.
			expect(await startOrder(vix, [first, answer, sdxl])).toEqual([first, sdxl, answer]);
		});
	});
});

describe("other users' tasks", () => {
	it('are taken by the workers like any other, and shown to nobody but their owner (and the admin)', async () => {
		await withEmulator({ workers: 0, taskDurationMs: 20 }, async (vix) => {
			const theirs = await vix.queueTasks({ user: 'admin', count: 3, priority: 1 });
			const mine = await vix.queueTasks({ user: 'alice', count: 2 });
			const summary = (await get(vix, '/tasks/progress-summary', { name: 'sdxl_lighting' })).data;
			expect(Object.keys(summary).map(Number)).toEqual(mine);
			expect((await get(vix, `/tasks/progress/${theirs[0]}`)).status).toBe(404);
			// Priority 1: ahead of alice's, whatever their ids.
			expect(await startOrder(vix, [...theirs, ...mine])).toEqual([...theirs, ...mine]);
		});
	});
});

describe('workers that come and go', () => {
	it('no worker at all: every flow is reported unsupported and a task stays queued', async () => {
		await withEmulator({ workers: 0 }, async (vix) => {
			expect(await sdxlSupported(vix)).toBe(false);
			const [id] = await vix.queueTasks({ user: 'alice', count: 1 });
			expect(vix.task(id)!.state).toBe('queued');
		});
	});

	it('a worker that disconnects mid-task leaves its task locked with no more reports, and counts until its window passes', async () => {
		await withEmulator({ workers: 1, taskDurationMs: 400, workerWindowMs: 300 }, async (vix) => {
			const [id, next] = await vix.queueTasks({ user: 'alice', count: 2 });
			while ((vix.task(id)!.progressHistory.length ?? 0) === 0)
				await new Promise((resolve) => setTimeout(resolve, 10));
			const dropped = vix.disconnectWorker();
			expect(dropped?.id).toBe(id);
			const reports = vix.task(id)!.progressHistory.length;
			expect(await sdxlSupported(vix)).toBe(true);
			await new Promise((resolve) => setTimeout(resolve, 700));
			const task = vix.task(id)!;
			expect(task.state).toBe('running');
			expect(task.lockedAt).not.toBeNull();
			expect(task.progressHistory).toHaveLength(reports);
			expect(vix.task(next)!.state).toBe('queued');
			expect(await sdxlSupported(vix)).toBe(false);
		});
	});
});
