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
		],
	};
}
