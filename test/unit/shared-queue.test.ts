/**
 * The wait on a server others share, on a virtual clock: other users' tasks ahead of the wait's
 * (invisible to it), several executions at once, a server that takes equal tasks in no promised
 * order, workers that die or are not there. Counts and virtual times are asserted; no test waits.
 */
import { waitForTasks, type WaitDependencies } from '../../nodes/Visionatrix/wait/pollLoop';
import {
	DEFAULT_SCHEDULE,
	QUIET_MS,
	STALL_MS,
	type WaitTarget,
} from '../../nodes/Visionatrix/wait/schedule';
import {
	createdTasks,
	detections,
	percentile,
	readsPerTask,
	simulatedServer,
	type SimOptions,
	type SimTask,
	type SimulatedServer,
} from './simulatedServer';

/** Targets as Create gives them: just queued, flow known; version 1.2's run limit, or one deadline. */
const created = (tasks: SimTask[], limits: Partial<WaitTarget> = { deadline: Infinity }) =>
	tasks.map((t) => ({
		taskId: t.id,
		deadline: Infinity,
		...limits,
		flow: t.flow,
		groupScope: t.groupScope,
		createdAt: 0,
	}));

/** Version 1.2's rules, the flow checked by Create before it queued the tasks. */
const CHECKED = { checkedFlows: ['sdxl_lighting'] };

/** Runs one wait per list of tasks, all at once on the server's clock; each one's detections. */
async function waits(server: SimulatedServer, executions: SimTask[][]) {
	const seen: Array<Map<number, number>> = [];
	const outcomes = await server.clock.run(
		executions.map((tasks, index) => async () => {
			const deps = server.deps();
			seen[index] = detections(server, deps);
			return await waitForTasks(created(tasks), DEFAULT_SCHEDULE, deps, CHECKED);
		}),
	);
	const latencies = executions.flatMap((tasks, index) =>
		tasks.map((t) => seen[index].get(t.id)! - server.endOf(t.id)!),
	);
	return { outcomes, latencies };
}

/** Another user's 30 tasks of about 3 s, queued first with a higher priority: all ahead of the wait's. */
const thirtyAhead = () => createdTasks(30, 3000, { firstId: 1, otherUser: true, priority: 1 });
const ORDERS: Array<[string, SimOptions['order']]> = [
	['oldest first', 'oldest'],
	['newest first', 'newest'],
	['in a shuffled order', { seed: 7 }],
];

describe("behind another user's 30 queued tasks on one worker", () => {
	it.each(ORDERS)(
		'20 tasks taken %s: at most 4 reads a task, no queued task read every few tenths of a second, each end noticed within 1 s (p95)',
		async (_, order) => {
			const mine = createdTasks(20, 3000, { firstId: 31 });
			const server = simulatedServer([...thirtyAhead(), ...mine], { workers: 1, order });
			const { outcomes, latencies } = await waits(server, [mine]);
			expect([...outcomes[0].values()].every((o) => o.kind === 'completed')).toBe(true);
			// The built-in loop reads every pending task every 5 s: about 24 reads a task here.
			expect(readsPerTask(server, mine.length)).toBeLessThanOrEqual(4);
			// Before this change one queued task was read 117 times in 48 s (every 0.4 s).
			const firstStart = Math.min(...mine.map((t) => server.runs.get(t.id)!.start));
			const whileQueued = server.reads.filter((r) => r.at < firstStart).length;
			expect(whileQueued).toBeLessThanOrEqual(firstStart / 4000 + 3);
			expect(percentile(latencies, 95)).toBeLessThanOrEqual(1000);
		},
	);

	it.each(ORDERS.slice(0, 2))(
		'3 executions of 10 tasks taken %s: at most 5 reads a task each, each end noticed within 1 s (p95)',
		async (_, order) => {
			const executions = [31, 41, 51].map((firstId) => createdTasks(10, 3000, { firstId }));
			const server = simulatedServer([...thirtyAhead(), ...executions.flat()], {
				workers: 1,
				order,
			});
			const { outcomes, latencies } = await waits(server, executions);
			for (const each of outcomes) expect([...each.values()].every((o) => o.kind === 'completed'));
			expect(readsPerTask(server, 30)).toBeLessThanOrEqual(5);
			expect(percentile(latencies, 95)).toBeLessThanOrEqual(1000);
		},
	);
});

describe('a server that takes equal tasks out of id order', () => {
	it.each(ORDERS.slice(1))(
		'20 tasks on 2 workers taken %s: each end noticed within 1 s (p95), at most 3 reads a task',
		async (_, order) => {
			// Before this change the wait read the task it expected by id and noticed the others 6 to 16 s late.
			const mine = createdTasks(20, 3000, { firstId: 101 });
			const server = simulatedServer(mine, { workers: 2, order });
			const { latencies } = await waits(server, [mine]);
			expect(percentile(latencies, 95)).toBeLessThanOrEqual(1000);
			expect(readsPerTask(server, mine.length)).toBeLessThanOrEqual(3);
		},
	);
});

describe('version 1.2: a queue that does not move ends the wait with its cause', () => {
	/** Runs one wait of `tasks` (1.2 rules) and returns its outcomes with the virtual time each ended. */
	async function waitFor(
		server: SimulatedServer,
		targets: WaitTarget[],
		checkedFlows: string[] = ['sdxl_lighting'],
	) {
		const deps: WaitDependencies = server.deps();
		const ended = new Map<number, number>();
		deps.onTick = (pending) => {
			for (const { taskId } of targets)
				if (!pending.includes(taskId) && !ended.has(taskId)) ended.set(taskId, server.time());
		};
		const [outcomes] = await server.clock.run([
			async () => await waitForTasks(targets, DEFAULT_SCHEDULE, deps, { checkedFlows }),
		]);
		return { outcomes, ended };
	}

	it('no worker for the flow: Wait for Completion fails every task at its first look, with one read of the flows list', async () => {
		const tasks = createdTasks(3, 3000);
		const server = simulatedServer(tasks, { workers: 0 });
		const targets = tasks.map((t) => ({ taskId: t.id, deadline: Infinity, runLimitMs: 600_000 }));
		const { outcomes, ended } = await waitFor(server, targets, []);
		expect([...outcomes.values()]).toEqual([
			expect.objectContaining({ kind: 'noWorker', flow: 'sdxl_lighting', ahead: 0 }),
			expect.objectContaining({ kind: 'noWorker', ahead: 1 }),
			expect.objectContaining({ kind: 'noWorker', ahead: 2 }),
		]);
		expect(Math.max(...ended.values())).toBe(0);
		expect(server.workerChecks).toEqual([0]);
	});

	it('a flows list that cannot be read is no news: asked once at the first look, not at every tick, and the tasks complete', async () => {
		const tasks = createdTasks(3, 3000);
		const server = simulatedServer(tasks, { workers: 1 });
		const deps = server.deps();
		let asked = 0;
		deps.checkWorkers = async () => {
			asked++;
			return new Map();
		};
		const targets = tasks.map((t) => ({ taskId: t.id, deadline: Infinity, runLimitMs: 600_000 }));
		const [outcomes] = await server.clock.run([
			async () => await waitForTasks(targets, DEFAULT_SCHEDULE, deps, { checkedFlows: [] }),
		]);
		expect([...outcomes.values()].map((o) => o.kind)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
		expect(asked).toBe(1);
	});

	it('the only worker dies mid-task: its task fails after 5 minutes without a report, the queued ones once the server stops counting the worker', async () => {
		const tasks = createdTasks(5, 3000, { jitter: 0 });
		// Tasks 1–3 run; task 4 starts at 9 s and its worker dies at 10 s (last report at 9.3 s).
		const server = simulatedServer(tasks, { workers: 1, deaths: { 0: 10_000 } });
		const { outcomes, ended } = await waitFor(server, created(tasks));
		expect([1, 2, 3].map((id) => outcomes.get(id)?.kind)).toEqual([
			'completed',
			'completed',
			'completed',
		]);
		expect(outcomes.get(4)).toEqual(expect.objectContaining({ kind: 'stalled' }));
		expect(ended.get(4)! - 9_300).toBeGreaterThanOrEqual(STALL_MS);
		expect(ended.get(4)! - 9_300).toBeLessThanOrEqual(STALL_MS + 2 * DEFAULT_SCHEDULE.maxDelayMs);
		// Quiet since about 9.5 s: asked at about 2 minutes (the worker still counts, heard from 2
		// minutes ago) and 4 minutes (gone from the list: the queued task fails).
		expect(outcomes.get(5)).toEqual(expect.objectContaining({ kind: 'noWorker' }));
		expect(server.workerChecks).toHaveLength(2);
		expect(server.workerChecks[0]).toBeGreaterThanOrEqual(QUIET_MS);
		expect(ended.get(5)).toBe(server.workerChecks[1]);
	});

	it('a busy server is not a failure: 10 minutes behind other work, asked every 2 minutes of quiet, and every task completes', async () => {
		const others = createdTasks(10, 60_000, { firstId: 1, otherUser: true, priority: 1 });
		const mine = createdTasks(2, 3000, { firstId: 11 });
		const server = simulatedServer([...others, ...mine], { workers: 1 });
		const { outcomes } = await waitFor(server, created(mine, { runLimitMs: 10_000 }));
		expect([...outcomes.values()].map((o) => o.kind)).toEqual(['completed', 'completed']);
		expect(server.workerChecks.length).toBeGreaterThanOrEqual(4);
		expect(server.workerChecks.length).toBeLessThanOrEqual(600_000 / QUIET_MS);
	});

	it("Timeout counts a task's own run: it fails Timeout after a worker took it, whatever its time in the queue", async () => {
		const others = createdTasks(5, 20_000, { firstId: 1, otherUser: true, priority: 1 });
		const mine: SimTask[] = [
			{ id: 6, flow: 'sdxl_lighting', groupScope: 1, priority: 0, durationMs: 5_000 },
			{ id: 7, flow: 'sdxl_lighting', groupScope: 1, priority: 0, durationMs: 60_000 },
		];
		const server = simulatedServer([...others, ...mine], { workers: 1 });
		const { outcomes, ended } = await waitFor(server, created(mine, { runLimitMs: 10_000 }));
		expect(outcomes.get(6)?.kind).toBe('completed');
		expect(outcomes.get(7)).toEqual(
			expect.objectContaining({ kind: 'timeout', limit: 'run', last: expect.anything() }),
		);
		const start = server.runs.get(7)!.start;
		expect(ended.get(7)! - start).toBeGreaterThanOrEqual(10_000);
		expect(ended.get(7)! - start).toBeLessThanOrEqual(10_000 + DEFAULT_SCHEDULE.maxDelayMs);
	});
});
