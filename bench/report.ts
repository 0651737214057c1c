/** The printed report: machine, tables (markdown), targets with PASS/FAIL. */
import type { DetectionStats, RequestStats, Timeline } from './analysis';
import type { MachineInfo } from './machine';
import { MB } from './plan';
import type { ClientKind, ClientMeasurement, ScenarioSpec } from './types';

export interface ScenarioResult {
	scenario: ScenarioSpec;
	/** ceil(N/K)·T: the server alone, with no client delay at all. */
	idealMs: number;
	client: ClientMeasurement;
	requests: RequestStats;
	detection: DetectionStats;
	timeline: Timeline;
	emulatorRssPeakBytes: number;
	/** CPU other processes used meanwhile, in cores (e.g. 0.8 = most of one core); Linux only. */
	otherLoadCores?: number;
}

export interface TargetCheck {
	target: string;
	measured: string;
	pass: boolean;
}

export const CLIENT_LABEL: Record<ClientKind, string> = {
	node: '(a) this node (n8n engine)',
	'node-upload': '(a) this node, Create Task upload',
	guide: '(b) vendor guide loop',
	peer: '(c) peer nodes, 1 s/task',
	'stream-ref': 'reference: node:http → file',
};

const DASH = '—';

function seconds(ms: number | null | undefined, digits = 2): string {
	return ms === null || ms === undefined ? DASH : (ms / 1000).toFixed(digits);
}

function megabytes(bytes: number): string {
	return (bytes / MB).toFixed(1);
}

export function rssGrowth(client: ClientMeasurement): number {
	return Math.max(0, client.rssPeakBytes - client.rssBaselineBytes);
}

/** The kernel's peak when it could be read, else the sampled one. */
export function rssGrowthKernel(client: ClientMeasurement): number | undefined {
	return client.rssKernelPeakBytes === undefined ? undefined : Math.max(0, client.rssKernelPeakBytes - client.rssBaselineBytes);
}

export function markdownTable(header: string[], rows: string[][], align: Array<'l' | 'r'>): string {
	const widths = header.map((cell, i) => Math.max(cell.length, 3, ...rows.map((row) => row[i].length)));
	const pad = (cell: string, i: number) => (align[i] === 'r' ? cell.padStart(widths[i]) : cell.padEnd(widths[i]));
	const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
	const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
	return [line(header), rule, ...rows.map(line)].join('\n');
}

function ticksCell(requests: RequestStats): string {
	if (requests.requestsPerTick === null) return DASH;
	const max = requests.maxRequestsPerTick;
	return `${requests.requestsPerTick.toFixed(2)} (${requests.ticks} ticks, max ${max})`;
}

/**
 * The throughput table. Rows for the guide's loop above `guideMaxN` are printed with dashes: it
 * is not run there (about 5 s per task, one task at a time).
 */
export function throughputTable(results: ScenarioResult[], guideMaxN: number): string {
	const header = [
		'client',
		'N',
		'T s',
		'K',
		'wall s',
		'ideal s',
		'wall/ideal',
		'server s',
		'progress req/task',
		'req/tick (wait phase)',
		'detect p50 s',
		'detect p95 s',
		'CPU s',
		'peak RSS Δ MB',
	];
	const rows: string[][] = [];
	const groups = new Map<string, ScenarioResult[]>();
	for (const result of results) {
		const key = `${result.scenario.n}/${result.scenario.emulator.taskDurationMs}/${result.scenario.emulator.workers}`;
		groups.set(key, [...(groups.get(key) ?? []), result]);
	}
	for (const group of groups.values()) {
		const { n, emulator } = group[0].scenario;
		for (const client of ['node', 'guide', 'peer'] as ClientKind[]) {
			const result = group.find((r) => r.scenario.client === client);
			const base = [CLIENT_LABEL[client], String(n), seconds(emulator.taskDurationMs, 1), String(emulator.workers)];
			if (!result) {
				const why = client === 'guide' && n > guideMaxN ? `not run (N > ${guideMaxN})` : DASH;
				rows.push([...base, why, seconds(Math.ceil(n / emulator.workers) * emulator.taskDurationMs, 1), ...Array(8).fill(DASH)]);
				continue;
			}
			const { client: measured, requests, detection } = result;
			if (measured.error) {
				rows.push([...base, `FAILED: ${measured.error.slice(0, 60)}`, seconds(result.idealMs, 1), ...Array(8).fill(DASH)]);
				continue;
			}
			rows.push([
				...base,
				seconds(measured.wallMs),
				seconds(result.idealMs, 1),
				`${(measured.wallMs / result.idealMs).toFixed(3)}×`,
				seconds(result.timeline.serverMakespanMs),
				requests.progressPerTask.toFixed(2),
				ticksCell(requests),
				seconds(detection.p50Ms, 3),
				seconds(detection.p95Ms, 3),
				seconds(measured.cpuMicros / 1000),
				megabytes(rssGrowth(measured)),
			]);
		}
	}
	return markdownTable(header, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'r']);
}

/** Where the node's wall time goes: its three steps, and the time after the last task completed. */
export function nodeStepsTable(results: ScenarioResult[]): string {
	const header = [
		'N',
		'T s',
		'wall s',
		'server s',
		'Create Task s',
		'Wait for Completion s',
		'Get Results s',
		'of which progress looks s',
		'last completion → end s',
	];
	const rows = results
		.filter((r) => r.scenario.client === 'node' && !r.client.error && r.timeline.steps)
		.map(({ scenario, client, timeline }) => [
			String(scenario.n),
			seconds(scenario.emulator.taskDurationMs, 1),
			seconds(client.wallMs),
			seconds(timeline.serverMakespanMs),
			seconds(timeline.steps!['Create Task']),
			seconds(timeline.steps!['Wait for Completion']),
			seconds(timeline.steps!['Get Results']),
			seconds(timeline.getResultsLookupsMs),
			seconds(timeline.tailMs),
		]);
	return markdownTable(header, rows, ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The peak RSS growth a memory target is judged on: the kernel's peak when known, else the sampled one. */
export function judgedGrowth(client: ClientMeasurement): number {
	return rssGrowthKernel(client) ?? rssGrowth(client);
}

export interface MemoryRow {
	outputBytes: number;
	client: ClientKind;
	runs: ScenarioResult[];
	failed: ScenarioResult[];
	/** Median over the runs of judgedGrowth. */
	growthBytes: number | null;
}

export function memoryRows(results: ScenarioResult[]): MemoryRow[] {
	const rows = new Map<string, MemoryRow>();
	for (const result of results) {
		const key = `${result.scenario.emulator.outputBytes}/${result.scenario.client}`;
		const row = rows.get(key) ?? {
			outputBytes: result.scenario.emulator.outputBytes,
			client: result.scenario.client,
			runs: [],
			failed: [],
			growthBytes: null,
		};
		(result.client.error ? row.failed : row.runs).push(result);
		rows.set(key, row);
	}
	for (const row of rows.values()) {
		row.growthBytes = row.runs.length ? median(row.runs.map((r) => judgedGrowth(r.client))) : null;
	}
	return [...rows.values()];
}

export function memoryTable(results: ScenarioResult[]): string {
	const header = [
		'file',
		'client',
		'runs',
		'wall s',
		'peak RSS Δ MB (20 ms samples)',
		'peak RSS Δ MB (kernel VmHWM)',
		'held after run + GC MB',
		'CPU s',
	];
	const list = (values: number[]) => (values.length > 1 ? ` (${values.map(megabytes).join(', ')})` : '');
	const rows = memoryRows(results).map((row) => {
		const label = row.client === 'node' ? '(a) this node, Get Results' : CLIENT_LABEL[row.client];
		const runs = `${row.runs.length}${row.failed.length ? ` + ${row.failed.length} FAILED: ${row.failed[0].client.error?.slice(0, 50)}` : ''}`;
		if (!row.runs.length) return [`${megabytes(row.outputBytes)} MB`, label, runs, ...Array(5).fill(DASH)];
		const clients = row.runs.map((r) => r.client);
		const sampled = clients.map(rssGrowth);
		const kernel = clients.map(rssGrowthKernel).filter((v): v is number => v !== undefined);
		return [
			`${megabytes(row.outputBytes)} MB`,
			label,
			runs,
			seconds(median(clients.map((c) => c.wallMs))),
			`${megabytes(median(sampled))}${list(sampled)}`,
			kernel.length ? `${megabytes(median(kernel))}${list(kernel)}` : DASH,
			megabytes(median(clients.map((c) => (c.liveAfterGcBytes ?? 0) - (c.liveBaselineBytes ?? 0)))),
			seconds(median(clients.map((c) => c.cpuMicros / 1000))),
		];
	});
	return markdownTable(header, rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r']);
}

export function checkTargets(throughput: ScenarioResult[], memory: ScenarioResult[], quick = false): TargetCheck[] {
	const checks: TargetCheck[] = [];
	const node = throughput.filter((r) => r.scenario.client === 'node');
	const n50 = node.find((r) => r.scenario.n === 50);
	if (n50) {
		const ratio = n50.client.wallMs / n50.idealMs;
		const T = seconds(n50.scenario.emulator.taskDurationMs, 1);
		checks.push({
			// The fixed cost after the last completion (detection, then Get Results) weighs twice as
			// much against the short ideal of the quick run.
			target: `N = 50: wall ≤ 1.05 × ideal${quick ? ` (quick run, T = ${T} s: judge it on the default run)` : ''}`,
			measured: n50.client.error ? `failed: ${n50.client.error}` : `${seconds(n50.client.wallMs)} s / ${seconds(n50.idealMs, 1)} s = ${ratio.toFixed(3)}×`,
			pass: !n50.client.error && ratio <= 1.05,
		});
	}
	for (const result of node) {
		const { n } = result.scenario;
		const { requests } = result;
		checks.push({
			target: `N = ${n}: one progress request per tick (wait phase)`,
			measured: result.client.error
				? `failed: ${result.client.error}`
				: `${requests.waitRequests} requests in ${requests.ticks} ticks = ${requests.requestsPerTick?.toFixed(2) ?? DASH} per tick (max ${requests.maxRequestsPerTick})`,
			pass: !result.client.error && requests.ticks > 0 && requests.maxRequestsPerTick === 1,
		});
	}
	for (const result of node) {
		const { n, emulator } = result.scenario;
		const limitMs = Math.max(300, 0.1 * emulator.taskDurationMs);
		const p95 = result.detection.p95Ms;
		checks.push({
			target: `N = ${n}, T = ${seconds(emulator.taskDurationMs, 1)} s: detection p95 ≤ ${seconds(limitMs, 2)} s`,
			measured: `p95 ${seconds(p95, 3)} s (max ${seconds(result.detection.maxMs, 3)} s, ${result.detection.latenciesMs.length}/${n} tasks seen${result.detection.unseen ? `, ${result.detection.unseen} unseen` : ''})`,
			pass: !result.client.error && p95 !== null && p95 <= limitMs && result.detection.latenciesMs.length === n,
		});
	}
	const rows = memoryRows(memory);
	const big = rows.find((r) => r.outputBytes === 256 * MB && r.client === 'node');
	if (big) {
		const reference = rows.find((r) => r.outputBytes === 256 * MB && r.client === 'stream-ref');
		const complete = big.failed.length === 0 && big.runs.every((r) => r.client.bytes >= 256 * MB);
		const referenceText = reference?.growthBytes != null ? `; plain node:http → file: ${megabytes(reference.growthBytes)} MB` : '';
		checks.push({
			target: '256 MB output: client peak RSS growth ≤ 64 MB',
			measured: big.growthBytes === null
				? `failed: ${big.failed[0]?.client.error}`
				: `${megabytes(big.growthBytes)} MB${big.runs.length > 1 ? ` (median of ${big.runs.length})` : ''}${referenceText}`,
			pass: complete && big.growthBytes !== null && big.growthBytes <= 64 * MB,
		});
	}
	return checks;
}

export function targetsTable(checks: TargetCheck[]): string {
	return markdownTable(
		['target', 'measured', 'result'],
		checks.map((c) => [c.target, c.measured, c.pass ? 'PASS' : 'FAIL']),
		['l', 'l', 'l'],
	);
}

export function machineLines(machine: MachineInfo): string {
	return [
		`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${megabytes(machine.totalMemBytes)} MB RAM (${(machine.totalMemBytes / 1024 ** 3).toFixed(1)} GiB)`,
		`Node ${machine.nodeVersion} (${machine.platform} ${machine.arch}, kernel ${machine.kernel}); n8n-core ${machine.n8nCore}, n8n-workflow ${machine.n8nWorkflow}`,
	].join('\n');
}
