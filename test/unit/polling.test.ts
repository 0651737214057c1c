/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
import { pause } from '../../nodes/Visionatrix/shared/pause';
import { waitForTasks, type WaitDependencies } from '../../nodes/Visionatrix/wait/pollLoop';
import type { ReadResult, TaskRead } from '../../nodes/Visionatrix/wait/readChoice';
import {
	DEFAULT_SCHEDULE,
	QUEUED_CHECK_MS,
	type WaitTarget,
} from '../../nodes/Visionatrix/wait/schedule';
import type { TaskDetails } from '../../nodes/Visionatrix/shared/types';

function task(taskId: number, progress: number, extra: Partial<TaskDetails> = {}): TaskDetails {
	return {
		task_id: taskId,
		name: 'sdxl_lighting',
		progress,
		error: '',
		outputs: [],
		execution_time: 0,
		...extra,
	};
}

interface SimTask {
	id: number;
	flow: string;
	groupScope: number;
	priority: number;
	durationMs: number;
	/** Removed (cancelled or deleted) at this time. */
	removedAt?: number;
	error?: string;
}

/**
 * A Visionatrix server on a virtual clock: `workers` workers take queued tasks by priority, then
 * id, as the real server does; a running task reports 10 % at a tenth of its run and 55.5 % at
 * half, like the emulator's workers. `history` finished tasks of the same flow and group make its
 * summary that much larger. Every read is logged with what it asked and what it weighed.
 */
/** Where the simulated server's clock stands at virtual time 0 (ms since the epoch). */
const SERVER_EPOCH = Date.UTC(2026, 10, 27, 5, 30);

function simulatedServer(
	tasks: SimTask[],
	options: { workers: number; history?: number; waitStartsAt?: number },
) {
	let now = options.waitStartsAt ?? 0;
	const reads: Array<{ at: number; read: TaskRead; bytes: number }> = [];
	// When each task starts and ends, played out once: workers free at `free[i]`.
	const free = Array.from({ length: options.workers }, () => 0);
	const runs = new Map<number, { start: number; end: number }>();
	const line = [...tasks].sort((a, b) => b.priority - a.priority || a.id - b.id);
	for (const next of line) {
		const worker = free.indexOf(Math.min(...free));
		const start = free[worker];
		if (next.removedAt !== undefined && next.removedAt <= start) continue;
		const end =
			next.removedAt !== undefined
				? Math.min(start + next.durationMs, next.removedAt)
				: start + next.durationMs;
		runs.set(next.id, { start, end: start + next.durationMs });
		free[worker] = end;
	}
	// The server's timestamps, as it writes them: naive UTC with microseconds, on its own clock.
	const stamp = (t: number) => new Date(SERVER_EPOCH + t).toISOString().replace('Z', '000');
	const stateAt = (sim: SimTask, t: number): TaskDetails | null => {
		if (sim.removedAt !== undefined && t >= sim.removedAt) return null;
		const run = runs.get(sim.id);
		const base = { name: sim.flow, group_scope: sim.groupScope, priority: sim.priority };
		if (!run || t < run.start) return task(sim.id, 0, base);
		const d = sim.durationMs;
		const elapsed = t - run.start;
		// A running task carries its lock time and the time of its latest report; a finished one, its end (the lock is released).
		const running = (progress: number, reportedAt: number) =>
			task(sim.id, progress, {
				...base,
				execution_time: (reportedAt - run.start) / 1000,
				locked_at: stamp(run.start),
				updated_at: stamp(reportedAt),
			});
		if (elapsed >= d) {
			if (sim.error)
				return task(sim.id, 55.5, {
					...base,
					error: sim.error,
					execution_time: d / 2000,
					updated_at: stamp(run.start + d / 2),
				});
			return task(sim.id, 100, {
				...base,
				execution_time: d / 1000,
				updated_at: stamp(run.end),
				finished_at: stamp(run.end),
			});
		}
		if (elapsed >= d / 2) return running(55.5, run.start + d / 2);
		if (elapsed >= d / 10) return running(10, run.start + d / 10);
		return running(0, run.start);
	};
	const byId = new Map(tasks.map((t) => [t.id, t]));
	const history = options.history ?? 0;
	const deps: WaitDependencies = {
		now: () => now,
		sleep: async (ms) => {
			now += ms;
		},
		fetchTasks: async (read): Promise<ReadResult> => {
			const states = new Map<number, TaskDetails | null>();
			if (read.kind === 'tasks') {
				const taskBytes = new Map<number, number>();
				for (const id of read.taskIds) {
					const sim = byId.get(id);
					states.set(id, sim ? stateAt(sim, now) : null);
					taskBytes.set(id, 4400);
				}
				reads.push({ at: now, read, bytes: 4400 * read.taskIds.length });
				return { states, taskBytes };
			}
			const listed = tasks.filter((t) => t.flow === read.name && t.groupScope === read.groupScope);
			for (const sim of listed) {
				const state = stateAt(sim, now);
				if (state) states.set(sim.id, state);
			}
			const bytes = (states.size + history) * 700;
			reads.push({ at: now, read, bytes });
			return { states, summary: { bytes, entries: states.size + history } };
		},
	};
	const endOf = (id: number) => runs.get(id)?.end;
	return { deps, reads, time: () => now, endOf, runs };
}

/** N tasks just created at time 0 (ids after `history`), run times T·(1 ± jitter) by a fixed pattern. */
function createdTasks(
	n: number,
	durationMs: number,
	options: { firstId?: number; jitter?: number } = {},
): SimTask[] {
	const jitter = options.jitter ?? 0.1;
	return Array.from({ length: n }, (_, index) => ({
		id: (options.firstId ?? 1) + index,
		flow: 'sdxl_lighting',
		groupScope: 1,
		priority: 0,
		durationMs: Math.round(durationMs * (1 + jitter * Math.sin(index * 2.3))),
	}));
}

const targetsOf = (tasks: SimTask[], known = true): WaitTarget[] =>
	tasks.map((t) => ({
		taskId: t.id,
		deadline: 3_600_000,
		...(known ? { flow: t.flow, groupScope: t.groupScope, createdAt: 0 } : {}),
	}));

/** When the wait saw each task end (the end of the tick whose read showed it). */
function detections(
	server: ReturnType<typeof simulatedServer>,
	deps: WaitDependencies,
): Map<number, number> {
	const seen = new Map<number, number>();
	let before = new Set<number>();
	deps.onTick = (pending) => {
		const still = new Set(pending);
		for (const id of before) if (!still.has(id)) seen.set(id, server.time());
		before = still;
	};
	return seen;
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('waiting for tasks: what it reads', () => {
	it('reads 20 tasks on 4 workers less often than the built-in loop, never while they can only be waiting, and notices each end within 0.3 s', async () => {
		const tasks = createdTasks(20, 2000, { firstId: 10_001 });
		const server = simulatedServer(tasks, { workers: 4, history: 10_000 });
		const seen = detections(server, server.deps);
		const outcomes = await waitForTasks(
			targetsOf(tasks).map((t) => ({ ...t, taskId: t.taskId })),
			DEFAULT_SCHEDULE,
			server.deps,
		);

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
		const server = simulatedServer(tasks, { workers: 4, history: 2_000, waitStartsAt: 1_000 });
		const seen = detections(server, server.deps);
		const targets = targetsOf(tasks).map((target, index) => ({ ...target, createdAt: index * 5 }));
		const outcomes = await waitForTasks(targets, DEFAULT_SCHEDULE, server.deps);

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
		await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, server.deps);
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
		const outcomes = await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, server.deps);
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
		const seen = detections(server, server.deps);
		// Wait for Completion: tasks created elsewhere, nothing known of them.
		const outcomes = await waitForTasks(targetsOf(tasks, false), DEFAULT_SCHEDULE, server.deps);
		expect([...outcomes.keys()].sort()).toEqual([1, 2, 3, 4]);
		expect(server.reads[0].read).toEqual({ kind: 'tasks', taskIds: [1, 2, 3, 4] });
		// The line: 3 (priority 37), 2 (16), then 1 and 4 in creation order.
		expect([3, 2, 1, 4].map((id) => server.runs.get(id)!.start)).toEqual([0, 1000, 1500, 2500]);
		for (const t of tasks) expect(seen.get(t.id)! - server.endOf(t.id)!).toBeLessThanOrEqual(300);
		const perTask = server.reads.flatMap((r) => r.read.taskIds);
		expect(perTask.length).toBeLessThanOrEqual(4 + 3 * 4);
	});

	it('catches a task that ends faster than a tick', async () => {
		const tasks = createdTasks(3, 40, { jitter: 0 });
		const server = simulatedServer(tasks, { workers: 1 });
		const outcomes = await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, server.deps);
		expect([...outcomes.values()].map((o) => o.kind)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
	});

	it('reports a queued task cancelled while others run within 30 s, and reads it seldom meanwhile', async () => {
		const tasks = createdTasks(12, 10_000, { jitter: 0 });
		tasks[10].removedAt = 3_000; // queued behind ten others on one worker
		const server = simulatedServer(tasks, { workers: 1 });
		const seen = detections(server, server.deps);
		const outcomes = await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, server.deps);
		expect(outcomes.get(11)).toEqual({ kind: 'missing' });
		expect(seen.get(11)! - 3_000).toBeLessThanOrEqual(30_000);
		const readsOfCancelled = server.reads.filter((r) => r.read.taskIds.includes(11));
		expect(readsOfCancelled.length).toBeLessThanOrEqual(2);
		expect(QUEUED_CHECK_MS).toBeLessThan(30_000);
		expect(outcomes.get(12)?.kind).toBe('completed');
	});

	it('reports a running task that was deleted as missing, and goes on with the rest', async () => {
		const tasks = createdTasks(4, 2000, { jitter: 0 });
		tasks[0].removedAt = 1_000;
		const server = simulatedServer(tasks, { workers: 1 });
		const outcomes = await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, server.deps);
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
		const outcomes = await waitForTasks(
			[
				{ taskId: 5, deadline: 1000 },
				{ taskId: 6, deadline: 1000 },
			],
			DEFAULT_SCHEDULE,
			server.deps,
		);
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
