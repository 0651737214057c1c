/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
import type { WaitDependencies } from '../../nodes/Visionatrix/wait/pollLoop';
import type { ReadResult } from '../../nodes/Visionatrix/wait/readChoice';
import type { TaskDetails } from '../../nodes/Visionatrix/shared/types';

/**
 * A Visionatrix server on a virtual clock, for the wait's unit tests. Workers take queued tasks as
 * the real server does (`get_incomplete_task_without_error_query`): highest stored priority first,
 * then the flow the worker ran last, then ties in the order the database happens to return them
 * (`order`: oldest first, newest first, or shuffled by a seed), never a promise of id order. A
 * running task reports 10 % at a tenth of its run and 55.5 % at half, like the emulator's workers.
 * Tasks of other users are taken by the same workers and never shown to the wait. A worker can die
 * mid-task: its task stays locked with no more reports, and the flows list counts it for three
 * minutes after its last report. Every read is logged with what it asked and what it weighed.
 */

/** Where the simulated server's clock stands at virtual time 0 (ms since the epoch). */
export const SERVER_EPOCH = Date.UTC(2026, 10, 27, 5, 30);
/** How long the server counts a worker it last heard from (Visionatrix: 3 minutes). */
const WORKER_WINDOW_MS = 180_000;

export interface SimTask {
	id: number;
	flow: string;
	groupScope: number;
	/** As stored: `((group_scope - 1) << 4) + priority`. */
	priority: number;
	durationMs: number;
	/** Another user's task: taken by the workers, never readable by the wait. */
	otherUser?: boolean;
	/** Whose task, when several waits run as different users (each sees only its own). */
	user?: string;
	/** Queued at this time (default 0). */
	queuedAt?: number;
	/** Removed (cancelled or deleted) at this time. */
	removedAt?: number;
	error?: string;
}

export interface SimOptions {
	workers: number;
	/** Finished tasks of the same flow and group: the summary weighs that much more. */
	history?: number;
	/** How ties (same priority, same flow preference) come out of the database. Default oldest first. */
	order?: 'oldest' | 'newest' | { seed: number };
	/** Worker index → the time it dies (its task stays locked, it takes nothing more). */
	deaths?: Record<number, number>;
}

interface Run {
	start: number;
	end: number;
	worker: number;
	/** The worker died mid-run: no report after this time, and no end. */
	diedAt?: number;
}

function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Plays the workers forward once: when each task starts and ends. */
function playWorkers(tasks: readonly SimTask[], options: SimOptions): Map<number, Run> {
	const runs = new Map<number, Run>();
	const free = Array.from({ length: options.workers }, () => 0);
	const lastFlow: Array<string | undefined> = free.map(() => undefined);
	const dead = new Set<number>();
	const random = typeof options.order === 'object' ? seeded(options.order.seed) : undefined;
	const rank = new Map(tasks.map((t) => [t.id, random ? random() : 0]));
	const tie = (a: SimTask, b: SimTask) =>
		random
			? rank.get(a.id)! - rank.get(b.id)!
			: options.order === 'newest'
				? b.id - a.id
				: a.id - b.id;
	let queued = [...tasks];
	for (;;) {
		const alive = free.map((_, w) => w).filter((w) => !dead.has(w));
		if (alive.length === 0 || queued.length === 0) break;
		const worker = alive.reduce((best, w) => (free[w] < free[best] ? w : best));
		const at = Math.max(free[worker], Math.min(...queued.map((t) => t.queuedAt ?? 0)));
		const diesAt = options.deaths?.[worker] ?? Infinity;
		if (at >= diesAt) {
			dead.add(worker);
			continue;
		}
		const ready = queued.filter(
			(t) => (t.queuedAt ?? 0) <= at && (t.removedAt === undefined || t.removedAt > at),
		);
		queued = queued.filter((t) => t.removedAt === undefined || t.removedAt > at);
		if (ready.length === 0) {
			free[worker] = at + 1;
			continue;
		}
		ready.sort(
			(a, b) =>
				b.priority - a.priority ||
				Number(b.flow === lastFlow[worker]) - Number(a.flow === lastFlow[worker]) ||
				tie(a, b),
		);
		const next = ready[0];
		queued = queued.filter((t) => t !== next);
		const end = at + next.durationMs;
		if (diesAt < end) {
			runs.set(next.id, { start: at, end: Infinity, worker, diedAt: diesAt });
			dead.add(worker);
			continue;
		}
		runs.set(next.id, { start: at, end, worker });
		lastFlow[worker] = next.flow;
		free[worker] = next.removedAt !== undefined && next.removedAt < end ? next.removedAt : end;
	}
	return runs;
}

/** The server's timestamps, as it writes them: naive UTC with microseconds, on its own clock. */
export const stamp = (t: number) => new Date(SERVER_EPOCH + t).toISOString().replace('Z', '000');

export function details(
	taskId: number,
	progress: number,
	extra: Partial<TaskDetails> = {},
): TaskDetails {
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

function stateAt(sim: SimTask, run: Run | undefined, t: number): TaskDetails | null {
	if (sim.removedAt !== undefined && t >= sim.removedAt) return null;
	const base = { name: sim.flow, group_scope: sim.groupScope, priority: sim.priority };
	if (!run || t < run.start) return details(sim.id, 0, base);
	const d = sim.durationMs;
	// A dead worker's task: its last report stands, locked, forever.
	const seen = Math.min(t, run.diedAt ?? Infinity);
	const elapsed = seen - run.start;
	const running = (progress: number, reportedAt: number) =>
		details(sim.id, progress, {
			...base,
			execution_time: (reportedAt - run.start) / 1000,
			locked_at: stamp(run.start),
			updated_at: stamp(reportedAt),
		});
	if (elapsed >= d) {
		if (sim.error)
			return details(sim.id, 55.5, {
				...base,
				error: sim.error,
				execution_time: d / 2000,
				updated_at: stamp(run.start + d / 2),
			});
		return details(sim.id, 100, {
			...base,
			execution_time: d / 1000,
			updated_at: stamp(run.end),
			finished_at: stamp(run.end),
		});
	}
	if (elapsed >= d / 2) return running(55.5, run.start + d / 2);
	if (elapsed >= d / 10) return running(10, run.start + d / 10);
	return running(0, run.start);
}

/**
 * A virtual clock several waits can share: each `sleep` is a timer, and time jumps to the
 * earliest one once every wait is asleep.
 */
export class VirtualClock {
	now = 0;
	private timers: Array<{ at: number; resolve: () => void }> = [];
	private running = 0;

	sleep = async (ms: number): Promise<void> =>
		await new Promise<void>((resolve) => this.timers.push({ at: this.now + ms, resolve }));

	/** Runs the waits to their end, moving time forward whenever all of them sleep. */
	async run<T>(waits: Array<() => Promise<T>>): Promise<T[]> {
		this.running = waits.length;
		const done = waits.map(async (wait) => {
			try {
				return await wait();
			} finally {
				this.running--;
			}
		});
		const all = Promise.all(done);
		while (this.running > 0) {
			// Let every wait run until it sleeps (or ends).
			await new Promise((resolve) => setImmediate(resolve));
			if (this.running === 0 || this.timers.length === 0) continue;
			this.timers.sort((a, b) => a.at - b.at);
			const next = this.timers.shift()!;
			this.now = Math.max(this.now, next.at);
			next.resolve();
		}
		return await all;
	}
}

export interface ReadLog {
	at: number;
	read: Parameters<WaitDependencies['fetchTasks']>[0];
	bytes: number;
}

export function simulatedServer(tasks: SimTask[], options: SimOptions, clock = new VirtualClock()) {
	const reads: ReadLog[] = [];
	const workerChecks: number[] = [];
	const runs = playWorkers(tasks, options);
	const visibleTo = (user?: string) =>
		new Map(tasks.filter((t) => !t.otherUser && t.user === user).map((t) => [t.id, t]));
	const history = options.history ?? 0;
	/** The last time the server heard from each worker. */
	const lastHeard = (worker: number, t: number) => {
		const diedAt = options.deaths?.[worker];
		if (diedAt === undefined || t < diedAt) return t;
		const reports = [...runs.values()]
			.filter((run) => run.worker === worker && run.start <= diedAt)
			.flatMap((run) => [run.start, Math.min(run.end, diedAt)]);
		return Math.max(0, ...reports.filter((at) => at <= diedAt));
	};
	/** A wait's dependencies, as `user` (default: the user every task without one belongs to). */
	const deps = (user?: string): WaitDependencies => {
		const byId = visibleTo(user);
		return depsOf(byId);
	};
	const depsOf = (byId: Map<number, SimTask>): WaitDependencies => ({
		now: () => clock.now,
		sleep: clock.sleep,
		fetchTasks: async (read): Promise<ReadResult> => {
			const now = clock.now;
			const states = new Map<number, TaskDetails | null>();
			if (read.kind === 'tasks') {
				const taskBytes = new Map<number, number>();
				for (const id of read.taskIds) {
					const sim = byId.get(id);
					states.set(id, sim ? stateAt(sim, runs.get(id), now) : null);
					taskBytes.set(id, 4400);
				}
				reads.push({ at: now, read, bytes: 4400 * read.taskIds.length });
				return { states, taskBytes };
			}
			for (const sim of byId.values()) {
				if (sim.flow !== read.name || sim.groupScope !== read.groupScope) continue;
				const state = stateAt(sim, runs.get(sim.id), now);
				if (state) states.set(sim.id, state);
			}
			const bytes = (states.size + history) * 700;
			reads.push({ at: now, read, bytes });
			return { states, summary: { bytes, entries: states.size + history } };
		},
		checkWorkers: async (flows) => {
			workerChecks.push(clock.now);
			const seen = Array.from({ length: options.workers }, (_, w) => w).some(
				(w) => clock.now - lastHeard(w, clock.now) <= WORKER_WINDOW_MS,
			);
			return new Map(flows.map((flow) => [flow, seen]));
		},
	});
	const endOf = (id: number) => runs.get(id)?.end;
	return { deps, reads, workerChecks, clock, time: () => clock.now, endOf, runs };
}

export type SimulatedServer = ReturnType<typeof simulatedServer>;

/** N tasks just created at time 0 (ids from `firstId`), run times T·(1 ± jitter) by a fixed pattern. */
export function createdTasks(
	n: number,
	durationMs: number,
	options: { firstId?: number; jitter?: number; otherUser?: boolean; priority?: number } = {},
): SimTask[] {
	const jitter = options.jitter ?? 0.1;
	return Array.from({ length: n }, (_, index) => ({
		id: (options.firstId ?? 1) + index,
		flow: 'sdxl_lighting',
		groupScope: 1,
		priority: options.priority ?? 0,
		durationMs: Math.round(durationMs * (1 + jitter * Math.sin(index * 2.3))),
		...(options.otherUser ? { otherUser: true } : {}),
	}));
}

/** When the wait saw each task end (the end of the tick whose read showed it). */
export function detections(server: SimulatedServer, deps: WaitDependencies): Map<number, number> {
	const seen = new Map<number, number>();
	let before = new Set<number>();
	deps.onTick = (pending) => {
		const still = new Set(pending);
		for (const id of before) if (!still.has(id)) seen.set(id, server.time());
		before = still;
	};
	return seen;
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Progress requests per task of the wait, as the server counts them: one per task read on its own, one per summary. */
export function readsPerTask(server: SimulatedServer, taskCount: number): number {
	const requests = server.reads.reduce(
		(sum, { read }) => sum + (read.kind === 'tasks' ? read.taskIds.length : 1),
		0,
	);
	return requests / taskCount;
}
