import { pause } from '../../nodes/Visionatrix/shared/pause';
import { DEFAULT_SCHEDULE, nextDelay, waitForTasks, type WaitDependencies } from '../../nodes/Visionatrix/shared/polling';
import type { TaskDetails } from '../../nodes/Visionatrix/shared/types';

function task(taskId: number, progress: number, extra: Partial<TaskDetails> = {}): TaskDetails {
	return { task_id: taskId, name: 'sdxl_lighting', progress, error: '', outputs: [], execution_time: 0, ...extra };
}

/** A scripted server on a virtual clock: `timeline(taskId, t)` is the task's state at time t. */
function scriptedServer(timeline: (taskId: number, t: number) => TaskDetails | null) {
	let now = 0;
	const ticks: Array<{ at: number; asked: number[] }> = [];
	const deps: WaitDependencies = {
		now: () => now,
		sleep: async (ms) => {
			now += ms;
		},
		fetchTasks: async (ids) => {
			ticks.push({ at: now, asked: [...ids] });
			return new Map(ids.map((id) => [id, timeline(id, now)]));
		},
	};
	return { deps, ticks, time: () => now };
}

describe('waiting for tasks', () => {
	it('asks the server once per tick for all pending tasks, and stops asking about finished ones', async () => {
		const finishAt: Record<number, number> = { 1: 1000, 2: 2000, 3: 3000 };
		const server = scriptedServer((id, t) =>
			t >= finishAt[id] ? task(id, 100, { execution_time: 1 }) : task(id, t > 0 ? 50 : 0),
		);
		const outcomes = await waitForTasks(
			[1, 2, 3].map((taskId) => ({ taskId, deadline: 60_000 })),
			DEFAULT_SCHEDULE,
			server.deps,
		);

		expect([...outcomes.values()].map((o) => o.kind)).toEqual(['completed', 'completed', 'completed']);
		expect(server.ticks[0].asked).toEqual([1, 2, 3]);
		const sawFirstDone = server.ticks.findIndex((tick) => tick.at >= 1000);
		for (const tick of server.ticks.slice(sawFirstDone + 1)) expect(tick.asked).not.toContain(1);
		expect(server.ticks.at(-1)!.asked).toEqual([3]);
	});

	it('notices a completion within a tenth of the task time once it knows how long tasks take', async () => {
		const taskMs = 10_000;
		const finishAt = (id: number) => id * taskMs; // one worker: task n finishes at n × T
		const server = scriptedServer((id, t) =>
			t >= finishAt(id) ? task(id, 100, { execution_time: taskMs / 1000 }) : task(id, 10),
		);
		const detectedAt = new Map<number, number>();
		server.deps.onTick = (pending) => {
			for (const id of [1, 2, 3, 4, 5]) {
				if (!pending.includes(id) && !detectedAt.has(id)) detectedAt.set(id, server.time());
			}
		};
		await waitForTasks(
			[1, 2, 3, 4, 5].map((taskId) => ({ taskId, deadline: 3_600_000 })),
			DEFAULT_SCHEDULE,
			server.deps,
		);
		for (const id of [2, 3, 4, 5]) {
			expect(detectedAt.get(id)! - finishAt(id)).toBeLessThanOrEqual(0.1 * taskMs);
		}
	});

	it('reports a failed task with its error and a vanished task as missing', async () => {
		const server = scriptedServer((id) =>
			id === 5 ? task(5, 55.5, { error: 'Fake worker: simulated failure' }) : null,
		);
		const outcomes = await waitForTasks(
			[{ taskId: 5, deadline: 1000 }, { taskId: 6, deadline: 1000 }],
			DEFAULT_SCHEDULE,
			server.deps,
		);
		expect(outcomes.get(5)).toEqual({ kind: 'failed', task: expect.objectContaining({ error: 'Fake worker: simulated failure' }) });
		expect(outcomes.get(6)).toEqual({ kind: 'missing' });
		expect(server.ticks).toHaveLength(1);
	});

	it('gives up on a task at its deadline, keeping the last progress seen', async () => {
		const server = scriptedServer((id) => task(id, 55.5));
		const outcomes = await waitForTasks([{ taskId: 7, deadline: 30_000 }], DEFAULT_SCHEDULE, server.deps);
		expect(outcomes.get(7)).toEqual({ kind: 'timeout', last: expect.objectContaining({ progress: 55.5 }) });
		expect(server.time()).toBeGreaterThanOrEqual(30_000);
		expect(server.time()).toBeLessThan(30_000 + DEFAULT_SCHEDULE.maxDelayMs);
	});

	it('never waits longer between ticks than the bound the user set', async () => {
		const server = scriptedServer((id, t) => (t >= 120_000 ? task(id, 100) : task(id, 1)));
		const schedule = { ...DEFAULT_SCHEDULE, maxDelayMs: 2000 };
		await waitForTasks([{ taskId: 1, deadline: 600_000 }], schedule, server.deps);
		const gaps = server.ticks.slice(1).map((tick, i) => tick.at - server.ticks[i].at);
		expect(Math.max(...gaps)).toBeLessThanOrEqual(2000);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DEFAULT_SCHEDULE.minDelayMs);
	});

	it('stops at once when the execution is cancelled', async () => {
		const controller = new AbortController();
		let ticks = 0;
		const waiting = waitForTasks([{ taskId: 1, deadline: Date.now() + 60_000 }], DEFAULT_SCHEDULE, {
			now: Date.now,
			sleep: pause,
			signal: controller.signal,
			fetchTasks: async (ids) => {
				ticks++;
				return new Map(ids.map((id) => [id, task(id, 10)]));
			},
		});
		setTimeout(() => controller.abort(new Error('stopped by the user')), 100);
		// The task never finishes and the deadline is a minute away: only the stop can end the wait.
		await expect(waiting).rejects.toThrow('stopped by the user');
		expect(ticks).toBeLessThanOrEqual(2);
	});

	it('spaces ticks by a share of the typical task time, within the bounds', () => {
		expect(nextDelay(10_000, DEFAULT_SCHEDULE)).toBe(800);
		expect(nextDelay(100, DEFAULT_SCHEDULE)).toBe(DEFAULT_SCHEDULE.minDelayMs);
		expect(nextDelay(3_600_000, DEFAULT_SCHEDULE)).toBe(DEFAULT_SCHEDULE.maxDelayMs);
	});
});
