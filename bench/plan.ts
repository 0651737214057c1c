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

function throughput(series: Series[], guideMaxN: number, jitter: number): ScenarioSpec[] {
	const scenarios: ScenarioSpec[] = [];
	for (const { taskDurationMs, workers, ns } of series) {
		for (const n of ns) {
			const clients: ClientKind[] = n <= guideMaxN ? ['node', 'guide', 'peer'] : ['node', 'peer'];
			for (const client of clients) {
				scenarios.push({
					id: `${client}-n${n}-t${taskDurationMs}`,
					group: 'throughput',
					client,
					n,
					emulator: { taskDurationMs, workers, outputBytes: THROUGHPUT_OUTPUT_BYTES, jitter },
				});
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
					id: client === 'node-upload' ? `node-upload-${size}mb-${rep}` : `${client}-download-${size}mb-${rep}`,
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
		const guideMaxN = 1;
		return {
			name: 'quick',
			guideMaxN,
			warmup,
			scenarios: [...throughput([{ taskDurationMs: 1000, workers: 4, ns: [1, 10, 50] }], guideMaxN, jitter), ...memory({ 16: 1, 256: 1 })],
		};
	}
	const guideMaxN = 10;
	return {
		name: 'default',
		guideMaxN,
		warmup,
		scenarios: [
			...throughput(
				[
					{ taskDurationMs: 2000, workers: 4, ns: [1, 10, 50] },
					{ taskDurationMs: 500, workers: 4, ns: [200] },
				],
				guideMaxN,
				jitter,
			),
			...memory({ 16: 1, 64: 1, 256: 3 }),
		],
	};
}
