/** Which scenarios a run measures. */
import type { ClientKind, EmulatorSpec, ScenarioSpec } from './types';

export const MB = 1024 * 1024;

export interface Plan {
	name: 'default' | 'quick';
	scenarios: ScenarioSpec[];
	/** The guide's loop is only run up to this N: it idles ~5 s per task. */
	guideMaxN: number;
	/** The warm-up emulator: short tasks. */
	warmup: EmulatorSpec;
}

/**
 * Result files of the throughput runs: about a 1024×1024 PNG from SDXL (1–1.5 MB), so that the
 * downloads weigh something without dominating the run.
 */
export const THROUGHPUT_OUTPUT_BYTES = 1 * MB;

interface Series {
	taskDurationMs: number;
	workers: number;
	ns: number[];
}

/** Default spread of task run times (T ± 10 %); see emulator-host.ts. */
export const DEFAULT_JITTER = 0.1;

/** Finished tasks on the server before a run: a new user, one of some months, a heavy one. */
export const HISTORIES = [0, 2000, 10_000] as const;

/**
 * Every row runs in real time: what is measured (reads, bytes, detection, wall) is the wait's
 * schedule against the workers' pace, which shorter tasks would change. What keeps the run short
 * is the choice of rows: the vendor guide's one-task-at-a-time loop only for N = 1 and no history
 * (its figures do not depend on either beyond that), T = 0.5 s for N = 200.
 */
function throughput(
	series: Series[],
	histories: readonly number[],
	guide: boolean,
	jitter: number,
): ScenarioSpec[] {
	const scenarios: ScenarioSpec[] = [];
	for (const history of histories) {
		for (const { taskDurationMs, workers, ns } of series) {
			for (const n of ns) {
				const clients: ClientKind[] = ['node', 'loop', 'peer'];
				if (guide && n === 1 && history === 0) clients.push('guide');
				for (const client of clients) {
					scenarios.push({
						id: `${client}-n${n}-t${taskDurationMs}-h${history}`,
						group: 'throughput',
						client,
						n,
						emulator: {
							taskDurationMs,
							workers,
							outputBytes: THROUGHPUT_OUTPUT_BYTES,
							jitter,
							history,
						},
					});
				}
			}
		}
	}
	return scenarios;
}

/**
 * One task with a big result, fetched by the node and by the plain-Node reference, and a file that
 * big uploaded by the node; each size `reps[size]` times (every run in a fresh client process): a
 * peak RSS depends on when the garbage collector happens to run, so the 256 MB rows are repeated
 * and their medians kept.
 */
function memory(reps: Record<number, number>): ScenarioSpec[] {
	const scenarios: ScenarioSpec[] = [];
	for (const [size, times] of Object.entries(reps).map(([size, times]) => [Number(size), times])) {
		for (let rep = 1; rep <= times; rep++) {
			for (const client of ['node', 'stream-ref', 'node-upload'] as ClientKind[]) {
				scenarios.push({
					id:
						client === 'node-upload'
							? `node-upload-${size}mb-${rep}`
							: `${client}-download-${size}mb-${rep}`,
					group: 'memory',
					client,
					n: 1,
					rep,
					emulator: { taskDurationMs: 500, workers: 1, outputBytes: size * MB },
				});
			}
		}
	}
	return scenarios;
}

/**
 * A server others share (issue 20): the node's tasks behind another user's 30 queued tasks on one
 * worker (T = 3 s), alone and as three executions of 10; a big batch on one worker whose queue
 * outlasts Timeout (N = 100 at T = 0.5 s with Timeout 20 s: the batch takes 50 s, 2.5 Timeouts,
 * as 250 tasks of 3 s take 750 s against the default 600 s); no worker at all.
 * The server takes equal tasks newest first (SQLite once it has statistics): a client that relies
 * on id order is caught. Each with the built-in loop beside it, except the last (it never ends).
 */
function shared(jitter: number): ScenarioSpec[] {
	const others = { count: 30, priority: 1 };
	const rows: Array<{
		row: string;
		n: number;
		emulator: Partial<EmulatorSpec>;
		shared?: ScenarioSpec['shared'];
		clients: ClientKind[];
	}> = [
		{
			row: 'behind30-t3000',
			n: 20,
			emulator: { taskDurationMs: 3000, others },
			clients: ['node', 'loop'],
		},
		{
			row: '3x10-behind30',
			n: 30,
			emulator: { taskDurationMs: 3000, others, proxies: 3 },
			shared: { executions: 3 },
			clients: ['node', 'loop'],
		},
		{
			row: 'batch100-t500',
			n: 100,
			emulator: { taskDurationMs: 500 },
			shared: { timeoutSeconds: 20 },
			clients: ['node', 'loop'],
		},
		{
			row: 'noworker',
			n: 3,
			emulator: { taskDurationMs: 3000, workers: 0 },
			shared: { expectError: true },
			clients: ['node'],
		},
	];
	return rows.flatMap(({ row, n, emulator, shared: spec, clients }) =>
		clients.map((client) => ({
			id: `${client}-${row}`,
			group: 'shared' as const,
			row,
			client,
			n,
			shared: spec,
			emulator: {
				workers: 1,
				outputBytes: 0,
				jitter,
				history: 0,
				queueOrder: 'newest' as const,
				taskDurationMs: 3000,
				...emulator,
			},
		})),
	);
}

export function makePlan(quick: boolean, jitter = DEFAULT_JITTER): Plan {
	const warmup: EmulatorSpec = { taskDurationMs: 20, workers: 4, outputBytes: 0 };
	if (quick) {
		return {
			name: 'quick',
			guideMaxN: 0,
			warmup,
			scenarios: [
				...throughput(
					[{ taskDurationMs: 1000, workers: 4, ns: [1, 20] }],
					[0, 10_000],
					false,
					jitter,
				),
				...memory({ 16: 1, 256: 1 }),
			],
		};
	}
	return {
		name: 'default',
		guideMaxN: 1,
		warmup,
		scenarios: [
			...throughput(
				[
					{ taskDurationMs: 2000, workers: 4, ns: [1, 20, 50] },
					{ taskDurationMs: 500, workers: 4, ns: [200] },
				],
				HISTORIES,
				true,
				jitter,
			),
			...memory({ 16: 1, 64: 1, 256: 3 }),
			...shared(jitter),
		],
	};
}
