/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
import { pause } from '../../nodes/Visionatrix/shared/pause';
import { waitForTasks, type WaitDependencies } from '../../nodes/Visionatrix/wait/pollLoop';
import { DEFAULT_SCHEDULE, type WaitTarget } from '../../nodes/Visionatrix/wait/schedule';
import {
	createdTasks,
	details as task,
	detections,
	percentile,
	simulatedServer,
	type SimTask,
} from './simulatedServer';

/** The wait on one server with nobody else on it (the shared server's rules: shared-queue.test.ts). */

const targetsOf = (tasks: SimTask[], known = true): WaitTarget[] =>
	tasks.map((t) => ({
		taskId: t.id,
		deadline: 3_600_000,
		...(known ? { flow: t.flow, groupScope: t.groupScope, createdAt: 0 } : {}),
	}));

/** Runs one wait on the server's virtual clock. */
async function wait(
	server: ReturnType<typeof simulatedServer>,
	targets: WaitTarget[],
	deps: WaitDependencies = server.deps(),
) {
	const [outcomes] = await server.clock.run([
		async () => await waitForTasks(targets, DEFAULT_SCHEDULE, deps),
	]);
	return outcomes;
}

describe('waiting for tasks: what it reads', () => {
	it('reads 20 tasks on 4 workers less often than the built-in loop, never while they can only be waiting, and notices each end within 0.3 s', async () => {
		const tasks = createdTasks(20, 2000, { firstId: 10_001 });
		const server = simulatedServer(tasks, { workers: 4, history: 10_000 });
		const deps = server.deps();
		const seen = detections(server, deps);
		const outcomes = await wait(server, targetsOf(tasks), deps);

		expect([...outcomes.values()].every((o) => o.kind === 'completed')).toBe(true);
		const perTaskReads = server.reads.flatMap((r) =>
			r.read.kind === 'tasks' ? r.read.taskIds : [],
		);
		// The built-in loop (reads every 5 s) needs about 1.7 reads a task here; reading all pending tasks each tick, dozens.
		expect(perTaskReads.length).toBeLessThan(1.7 * tasks.length);
		// A long history: the summary of the flow would weigh 7 MB; never used.
		expect(server.reads.filter((r) => r.read.kind === 'summary')).toEqual([]);
		// Queued tasks are left alone: a task is read before it starts at most once (a look whether
		// a worker is free for it), and only a few tasks are.
		const early = server.reads.flatMap(({ at, read }) =>
			read.taskIds.filter((id) => at < server.runs.get(id)!.start),
		);
		expect(new Set(early).size).toBe(early.length);
		expect(early.length).toBeLessThanOrEqual(3);
		const latencies = tasks.map((t) => seen.get(t.id)! - server.endOf(t.id)!);
		expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0);
		expect(percentile(latencies, 95)).toBeLessThanOrEqual(300);
	});

	it('keeps up with 200 short tasks on 4 workers when its first read comes after many have ended: about one read each', async () => {
		// Creating 200 tasks one by one takes about a second: the wait's first read finds the first ones done.
		const tasks = createdTasks(200, 500, { firstId: 2_001 });
		const server = simulatedServer(tasks, { workers: 4, history: 2_000 });
		server.clock.now = 1_000;
		const deps = server.deps();
		const seen = detections(server, deps);
		const targets = targetsOf(tasks).map((target, index) => ({ ...target, createdAt: index * 5 }));
		const outcomes = await wait(server, targets, deps);

		expect([...outcomes.values()].every((o) => o.kind === 'completed')).toBe(true);
		const perTaskReads = server.reads.flatMap((r) =>
			r.read.kind === 'tasks' ? r.read.taskIds : [],
		);
		// Without the server's timestamps to count its workers by, it read each task more than twice.
		expect(perTaskReads.length).toBeLessThanOrEqual(1.25 * tasks.length);
		const latencies = tasks.map((t) => seen.get(t.id)! - server.endOf(t.id)!);
		expect(percentile(latencies, 95)).toBeLessThanOrEqual(300);
	});

	it('reads one filtered summary instead of many tasks when the last answers say it is cheaper, and never an unfiltered one', async () => {
		// 60 tasks of one flow and group on 30 workers, no history: half end together, and a summary of 60 entries (42 KB) beats 30 reads (132 KB).
		const tasks = createdTasks(60, 2000, { jitter: 0 });
		const server = simulatedServer(tasks, { workers: 30 });
		await wait(server, targetsOf(tasks));
		const summaries = server.reads.filter((r) => r.read.kind === 'summary');
		expect(summaries.length).toBeGreaterThan(0);
		for (const { read } of summaries)
			expect(read).toEqual(expect.objectContaining({ name: 'sdxl_lighting', groupScope: 1 }));
		const bytes = server.reads.reduce((sum, r) => sum + r.bytes, 0);
		expect(bytes / tasks.length).toBeLessThan(2 * 4400);
	});

	it('reads one task on its own, never by a summary, so that its cost does not depend on what the user ran before', async () => {
		// Task 1 on a fresh server: a summary of its flow and group could hold at most one entry (700 B < 4.4 KB).
		const tasks = createdTasks(1, 2000, { jitter: 0 });
		const server = simulatedServer(tasks, { workers: 1 });
		const outcomes = await wait(server, targetsOf(tasks));
		expect(outcomes.get(1)?.kind).toBe('completed');
		expect(server.reads.length).toBeGreaterThan(0);
		for (const { read } of server.reads) expect(read).toEqual({ kind: 'tasks', taskIds: [1] });
	});

	it("reads by need across flows and group scopes, in the server's line (priority first)", async () => {
		const tasks: SimTask[] = [
			{ id: 1, flow: 'sdxl_lighting', groupScope: 1, priority: 0, durationMs: 1000 },
			{ id: 2, flow: 'remove_background_birefnet', groupScope: 2, priority: 16, durationMs: 500 },
			{ id: 3, flow: 'sdxl_lighting', groupScope: 3, priority: 32 + 5, durationMs: 1000 },
			{ id: 4, flow: 'remove_background_birefnet', groupScope: 1, priority: 0, durationMs: 500 },
		];
		const server = simulatedServer(tasks, { workers: 1 });
		const deps = server.deps();
		const seen = detections(server, deps);
		// Wait for Completion: tasks created elsewhere, nothing known of them.
		const outcomes = await wait(server, targetsOf(tasks, false), deps);
		expect([...outcomes.keys()].sort()).toEqual([1, 2, 3, 4]);
		expect(server.reads[0].read).toEqual({ kind: 'tasks', taskIds: [1, 2, 3, 4] });
		// The line: 3 (priority 37), 2 (16), then the flow the worker ran last: 4 before 1.
		expect([3, 2, 4, 1].map((id) => server.runs.get(id)!.start)).toEqual([0, 1000, 1500, 2000]);
		for (const t of tasks) expect(seen.get(t.id)! - server.endOf(t.id)!).toBeLessThanOrEqual(300);
		const perTask = server.reads.flatMap((r) => r.read.taskIds);
		expect(perTask.length).toBeLessThanOrEqual(4 + 3 * 4);
	});

	it('catches a task that ends faster than a tick', async () => {
		const tasks = createdTasks(3, 40, { jitter: 0 });
		const server = simulatedServer(tasks, { workers: 1 });
		const outcomes = await wait(server, targetsOf(tasks));
		expect([...outcomes.values()].map((o) => o.kind)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
	});

	it('reports a queued task cancelled while others run when its turn comes, having read it at most twice', async () => {
		const tasks = createdTasks(12, 10_000, { jitter: 0 });
		tasks[10].removedAt = 3_000; // queued behind ten others on one worker
		const server = simulatedServer(tasks, { workers: 1 });
		const deps = server.deps();
		const seen = detections(server, deps);
		const outcomes = await wait(server, targetsOf(tasks), deps);
		expect(outcomes.get(11)).toEqual({ kind: 'missing' });
		// Its turn: when the tenth task ends.
		expect(seen.get(11)! - server.endOf(10)!).toBeLessThanOrEqual(10_500);
		const readsOfCancelled = server.reads.filter((r) => r.read.taskIds.includes(11));
		expect(readsOfCancelled.length).toBeLessThanOrEqual(2);
		expect(outcomes.get(12)?.kind).toBe('completed');
	});

	it('reports a running task that was deleted as missing, and goes on with the rest', async () => {
		const tasks = createdTasks(4, 2000, { jitter: 0 });
		tasks[0].removedAt = 1_000;
		const server = simulatedServer(tasks, { workers: 1 });
		const outcomes = await wait(server, targetsOf(tasks));
		expect(outcomes.get(1)).toEqual({ kind: 'missing' });
		expect([2, 3, 4].map((id) => outcomes.get(id)?.kind)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
	});

	it('reports a failed task with its error and a vanished task as missing', async () => {
		const tasks: SimTask[] = [
			{
				id: 5,
				flow: 'sdxl_lighting',
				groupScope: 1,
				priority: 0,
				durationMs: 0,
				error: 'Fake worker: simulated failure',
			},
			{ id: 6, flow: 'sdxl_lighting', groupScope: 1, priority: 0, durationMs: 0, removedAt: 0 },
		];
		const server = simulatedServer(tasks, { workers: 2 });
		const outcomes = await wait(server, [
			{ taskId: 5, deadline: 1000 },
			{ taskId: 6, deadline: 1000 },
		]);
		expect(outcomes.get(5)).toEqual({
			kind: 'failed',
			task: expect.objectContaining({ error: 'Fake worker: simulated failure' }),
		});
		expect(outcomes.get(6)).toEqual({ kind: 'missing' });
		expect(server.reads).toHaveLength(1);
	});
});

describe('waiting for tasks: bounds', () => {
	/** A server whose one task stays at `progress` until `doneAt`. */
	function stuckServer(progress: number, doneAt = Infinity) {
		let now = 0;
		const ticks: number[] = [];
		const deps: WaitDependencies = {
			now: () => now,
			sleep: async (ms) => {
				now += ms;
			},
			fetchTasks: async (read) => {
				ticks.push(now);
				return {
					states: new Map(
						read.taskIds.map((id) => [
							id,
							now >= doneAt ? task(id, 100) : task(id, progress, { locked_at: 'x' }),
						]),
					),
				};
			},
		};
		return { deps, ticks, time: () => now };
	}

	it('gives up on a task at its deadline, keeping the last progress seen', async () => {
		const server = stuckServer(55.5);
		const outcomes = await waitForTasks(
			[{ taskId: 7, deadline: 30_000 }],
			DEFAULT_SCHEDULE,
			server.deps,
		);
		expect(outcomes.get(7)).toEqual({
			kind: 'timeout',
			limit: 'wait',
			last: expect.objectContaining({ progress: 55.5 }),
		});
		expect(server.time()).toBeGreaterThanOrEqual(30_000);
		expect(server.time()).toBeLessThan(30_000 + DEFAULT_SCHEDULE.maxDelayMs);
	});

	it('never leaves a running task unread longer than the bound the user set', async () => {
		const server = stuckServer(1, 120_000);
		await waitForTasks(
			[{ taskId: 1, deadline: 600_000 }],
			{ ...DEFAULT_SCHEDULE, maxDelayMs: 2000 },
			server.deps,
		);
		const gaps = server.ticks.slice(1).map((at, i) => at - server.ticks[i]);
		expect(Math.max(...gaps)).toBeLessThanOrEqual(2000);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DEFAULT_SCHEDULE.minDelayMs);
		// Reads that grow apart, not one every minimum pause: at most about one every 2 s after the first seconds.
		expect(server.ticks.length).toBeLessThan(120_000 / 2000 + 20);
	});

	it('stops at once when the execution is cancelled', async () => {
		const controller = new AbortController();
		let ticks = 0;
		const waiting = waitForTasks([{ taskId: 1, deadline: Date.now() + 60_000 }], DEFAULT_SCHEDULE, {
			now: Date.now,
			sleep: pause,
			signal: controller.signal,
			fetchTasks: async (read) => {
				ticks++;
				return {
					states: new Map(read.taskIds.map((id) => [id, task(id, 10, { locked_at: 'x' })])),
				};
			},
		});
		setTimeout(() => controller.abort(new Error('stopped by the user')), 100);
		// The task never finishes and the deadline is a minute away: only the stop can end the wait.
		await expect(waiting).rejects.toThrow('stopped by the user');
		expect(ticks).toBeLessThanOrEqual(2);
	});

	it('a read that brings no news is tried again, not taken for an answer', async () => {
		let now = 0;
		let calls = 0;
		const outcomes = await waitForTasks([{ taskId: 1, deadline: 60_000 }], DEFAULT_SCHEDULE, {
			now: () => now,
			sleep: async (ms) => {
				now += ms;
			},
			fetchTasks: async (read) => {
				calls++;
				return {
					states: calls < 3 ? new Map() : new Map(read.taskIds.map((id) => [id, task(id, 100)])),
				};
			},
		});
		expect(outcomes.get(1)?.kind).toBe('completed');
		expect(calls).toBe(3);
	});
});
