/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- benchmark code, run by Node.js and never shipped */
/**
 * `npm run bench`: how this node waits for and fetches Visionatrix tasks, next to the vendor
 * guide's loop and per-task polling, against the emulator. Prints markdown tables and target
 * checks, and writes everything to .cache/bench/results.json.
 *
 *   node scripts/node24.js .cache/bench/bench/bench.js [--quick] [--only X,...] [--jitter F] [--strict] [--json PATH]
 *
 * (default) about 35 minutes on 2 cores: histories 0, 2,000 and 10,000 tasks × (T = 2 s, K = 4,
 *           N = 1, 20, 50; T = 0.5 s, N = 200) × the node, the built-in loop and per-task polling;
 *           the vendor guide's loop for N = 1; downloads and uploads of 16, 64 and 256 MB (256 MB three times);
 *           a server others share (plan.ts `shared`: behind 30 others, 3 × 10, a batch, no worker); the trigger
 * --quick   about 4 minutes: T = 1 s, N = 1, 20, histories 0 and 10,000, 16 and 256 MB downloads and uploads
 * --only X  only the scenarios whose id contains X (comma-separated; ids like node-n50-t2000-h10000,
 *            loop-n200-t500-h0, node-download-256mb-1, stream-ref-download-16mb-1, node-upload-256mb-1)
 * --jitter F each task runs T·(1 ± F), seeded by task id, the same for every client (default 0.1; 0 = exactly T)
 * --strict  exit with 1 when a target fails (otherwise only a failed scenario does)
 * --log DIR  write each scenario's emulator report (request log, task start and end times) to DIR/<id>.json
 *
 * Processes: this orchestrator; one emulator per scenario (fresh, in its own process, so its CPU
 * and memory are not the client's); one client process per scenario (fresh, warmed up first).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

import { detectionStats, requestStats, timeline, TICK_GAP_MS } from './analysis';
import { killChildren, runClient, spawnEmulator, type EmulatorProcess } from './children';
import { GUIDE_POLL_MS } from './clients/guide';
import { LOOP_WAIT_MS } from './clients/loop';
import { PEER_POLL_MS } from './clients/peer';
import { USER } from './clients/plain-http';
import { cpuSnapshot, machineInfo, otherLoad } from './machine';
import { DEFAULT_JITTER, makePlan, MB, THROUGHPUT_OUTPUT_BYTES } from './plan';
import {
	checkSharedTargets,
	checkTargets,
	CLIENT_LABEL,
	machineLines,
	memoryTable,
	nodeStepsTable,
	sharedTable,
	targetsTable,
	throughputTable,
	type ScenarioResult,
} from './report';
import {
	runTriggerRow,
	triggerPolls,
	triggerTable,
	triggerTargets,
	type TriggerRow,
} from './trigger';
import type { ClientMeasurement, EmulatorReport, ScenarioSpec } from './types';

interface Options {
	quick: boolean;
	/** Only the scenarios whose id contains one of these (e.g. `download-256`, `node-n50`). */
	only: string[];
	jitter: number;
	strict: boolean;
	jsonPath: string;
	/** Where to write each scenario's emulator report (request log and task timings), if anywhere. */
	logDir?: string;
}

function parseArgs(argv: string[]): Options {
	const options: Options = {
		quick: false,
		only: [],
		jitter: DEFAULT_JITTER,
		strict: false,
		// Compiled to .cache/bench/bench/bench.js: the file lands in .cache/bench/.
		jsonPath: resolve(__dirname, '..', 'results.json'),
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--quick') options.quick = true;
		else if (arg === '--strict') options.strict = true;
		else if (arg === '--only' || arg.startsWith('--only=')) {
			const text = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
			options.only.push(...(text ?? '').split(',').filter(Boolean));
		} else if (arg === '--jitter' || arg.startsWith('--jitter=')) {
			const text = arg.includes('=') ? arg.slice('--jitter='.length) : argv[++i];
			const value = Number(text);
			if (text === undefined || !Number.isFinite(value) || value < 0 || value >= 1) {
				process.stderr.write(`--jitter needs a fraction in [0, 1), got "${text ?? ''}"\n`);
				process.exit(2);
			}
			options.jitter = value;
		} else if (arg === '--log' || arg.startsWith('--log=')) {
			options.logDir = resolve(arg.includes('=') ? arg.slice('--log='.length) : (argv[++i] ?? ''));
		} else if (arg === '--json') options.jsonPath = resolve(argv[++i] ?? options.jsonPath);
		else if (arg.startsWith('--json=')) options.jsonPath = resolve(arg.slice('--json='.length));
		else if (arg === '--help' || arg === '-h') {
			process.stdout.write(
				'Usage: bench [--quick] [--only ID,...] [--jitter F] [--strict] [--json PATH] [--log DIR]\n',
			);
			process.exit(0);
		} else {
			process.stderr.write(
				`Unknown option ${arg}\nUsage: bench [--quick] [--only ID,...] [--jitter F] [--strict] [--json PATH]\n`,
			);
			process.exit(2);
		}
	}
	return options;
}

function log(line: string): void {
	process.stderr.write(`${line}\n`);
}

/** ceil(N/K)·T, the server alone; another user's tasks queued ahead count too. */
function idealMs(scenario: ScenarioSpec): number {
	const tasks = scenario.n + (scenario.emulator.others?.count ?? 0);
	return (
		Math.ceil(tasks / Math.max(1, scenario.emulator.workers)) * scenario.emulator.taskDurationMs
	);
}

/** Generous: the guide's loop needs about 5 s a task, plus a big download's time. */
function clientTimeoutMs(scenario: ScenarioSpec): number {
	return 120_000 + scenario.n * 10_000 + idealMs(scenario) * 3;
}

/** A scenario whose client has run; its emulator is kept for the replay of its reads. */
interface RunScenario {
	scenario: ScenarioSpec;
	client: ClientMeasurement;
	report: EmulatorReport;
	emulator: EmulatorProcess;
	otherLoadCores?: number;
}

async function runScenario(
	scenario: ScenarioSpec,
	warmup: EmulatorProcess,
	cores: number,
): Promise<RunScenario> {
	const cpuBefore = cpuSnapshot();
	const emulator = await spawnEmulator(scenario.emulator);
	try {
		const startedAt = Date.now();
		let client: ClientMeasurement;
		try {
			client = await runClient(
				{
					type: 'run',
					scenario,
					url: emulator.url,
					proxyUrls: emulator.proxyUrls,
					warmupUrl: warmup.url,
				},
				clientTimeoutMs(scenario),
			);
		} catch (error) {
			// A client that crashed or hung: keep the row, marked FAILED, and go on with the others.
			const endedAt = Date.now();
			client = {
				wallMs: endedAt - startedAt,
				startedAt,
				endedAt,
				cpuMicros: 0,
				rssBaselineBytes: 0,
				rssPeakBytes: 0,
				rssSamples: 0,
				files: 0,
				bytes: 0,
				error: (error as Error)?.message ?? String(error),
			};
		}
		const report = await emulator.report();
		// The client has ended and the emulator still runs: both count as the bench's CPU.
		const otherLoadCores = otherLoad(cpuBefore, cpuSnapshot([emulator.pid]), cores);
		return { scenario, client, report, emulator, otherLoadCores };
	} catch (error) {
		await emulator.stop();
		throw error;
	}
}

/** How often each progress read is asked again; the median is kept. */
const REPLAY_ROUNDS = 5;

/**
 * What each progress read of a set of scenarios (the clients of one history, N and T) costs the
 * emulator, asked again after the runs. A read's own timing (a tenth of a millisecond) says more
 * about its moment than about its work: reads that come one by one find the emulator's caches
 * cold, reads in a burst warm, and another process may hold a core. In the replay every client's
 * reads are asked in turn, round after round, each in its own scenario's emulator (the task views
 * there are as big as in the run), so that all of them meet the same machine at the same time.
 */
async function replayReads(runs: RunScenario[]): Promise<void> {
	const rounds: Array<Array<Array<number | null>>> = runs.map(() => []);
	for (let round = 0; round < REPLAY_ROUNDS; round++) {
		for (let turn = 0; turn < runs.length; turn++) {
			const index = (round + turn) % runs.length;
			rounds[index].push(await runs[index].emulator.replay());
		}
	}
	for (const [index, run] of runs.entries()) {
		for (const [at, request] of run.report.requests.entries()) {
			const costs = rounds[index]
				.map((costsMs) => costsMs[at])
				.filter((cost): cost is number => typeof cost === 'number');
			if (costs.length === 0) continue;
			costs.sort((x, y) => x - y);
			request.replayedMs = costs[Math.floor(costs.length / 2)];
		}
	}
}

/** Replays the runs' reads side by side, stops their emulators and makes their results. */
async function finish(runs: RunScenario[], logDir?: string): Promise<ScenarioResult[]> {
	try {
		await replayReads(runs.filter((run) => run.scenario.group !== 'memory'));
	} finally {
		await Promise.all(runs.map(async (run) => await run.emulator.stop()));
	}
	return runs.map(({ scenario, client, report, otherLoadCores }) => {
		if (logDir) {
			mkdirSync(logDir, { recursive: true });
			writeFileSync(
				resolve(logDir, `${scenario.id}.json`),
				`${JSON.stringify({ client, report })}\n`,
			);
		}
		return {
			scenario,
			idealMs: idealMs(scenario),
			client,
			requests: requestStats(scenario, report, client),
			detection: detectionStats(report, scenario.group === 'shared' ? USER.username : undefined),
			timeline: timeline(report, client),
			emulatorRssPeakBytes: report.rssPeakBytes,
			otherLoadCores,
		};
	});
}

/** The scenarios whose reads are compared with each other: the clients of one history, N and T. */
function sideBySide(scenario: ScenarioSpec): string {
	if (scenario.group === 'shared') return `shared/${scenario.row}`;
	return scenario.group === 'throughput'
		? `${scenario.emulator.history ?? 0}/${scenario.n}/${scenario.emulator.taskDurationMs}`
		: scenario.id;
}

function progressLine(result: ScenarioResult, index: number, total: number): string {
	const { scenario, client, requests, detection } = result;
	const what =
		scenario.group === 'memory'
			? `${scenario.client === 'node-upload' ? 'upload' : 'download'} ${scenario.emulator.outputBytes / MB} MB (run ${scenario.rep ?? 1})`
			: `N=${scenario.n} T=${scenario.emulator.taskDurationMs / 1000}s`;
	const status = client.error
		? `FAILED: ${client.error}`
		: `wall ${(client.wallMs / 1000).toFixed(2)} s, ${requests.progressRequests} progress requests, ` +
			`p95 ${detection.p95Ms ?? '—'} ms, RSS Δ ${((client.rssPeakBytes - client.rssBaselineBytes) / MB).toFixed(1)} MB` +
			(client.rssKernelPeakBytes
				? ` (VmHWM Δ ${((client.rssKernelPeakBytes - client.rssBaselineBytes) / MB).toFixed(1)} MB)`
				: '');
	return `[${index}/${total}] ${CLIENT_LABEL[scenario.client]} ${what}: ${status}`;
}

/** Other processes' CPU use during the run: the numbers are only as good as the machine was quiet. */
function loadLine(
	otherLoadCores: number | undefined,
	results: ScenarioResult[],
	cores: number,
): string {
	if (otherLoadCores === undefined) return "Other processes' CPU use: unknown (no /proc).";
	const busy = results.filter((r) => (r.otherLoadCores ?? 0) > 0.25 * cores);
	const text = `Other processes used ${otherLoadCores.toFixed(2)} of ${cores} cores on average during the run.`;
	if (busy.length === 0) return text;
	return (
		`${text} **The machine was busy** (other processes used more than a quarter of it) during: ` +
		`${busy.map((r) => `${r.scenario.id} (${r.otherLoadCores!.toFixed(2)} cores)`).join(', ')}; their times are less reliable.`
	);
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const plan = makePlan(options.quick, options.jitter);
	if (options.only.length)
		plan.scenarios = plan.scenarios.filter((s) => options.only.some((part) => s.id.includes(part)));
	const machine = machineInfo();
	const started = Date.now();
	log(`Visionatrix node bench (${plan.name}): ${plan.scenarios.length} scenarios`);

	const warmup = await spawnEmulator(plan.warmup);
	const results: ScenarioResult[] = [];
	const cpuAtStart = cpuSnapshot();
	let held: RunScenario[] = [];
	const finishHeld = async () => {
		for (const result of await finish(held, options.logDir)) {
			results.push(result);
			log(progressLine(result, results.length, plan.scenarios.length));
		}
		held = [];
	};
	try {
		for (const scenario of plan.scenarios) {
			if (held.length > 0 && sideBySide(held[0].scenario) !== sideBySide(scenario))
				await finishHeld();
			held.push(await runScenario(scenario, warmup, machine.cores));
		}
		await finishHeld();
	} finally {
		await Promise.all(held.map(async (run) => await run.emulator.stop()));
		await warmup.stop();
	}
	const triggerRows: TriggerRow[] = [];
	for (const history of [2000, 10_000]) {
		if (options.only.length && !options.only.some((part) => `trigger-h${history}`.includes(part)))
			continue;
		log(`Visionatrix Trigger, history ${history}: ${triggerPolls(options.quick)} polls`);
		triggerRows.push(await runTriggerRow(history, triggerPolls(options.quick)));
	}
	const elapsedMs = Date.now() - started;
	const otherLoadCores = otherLoad(cpuAtStart, cpuSnapshot(), machine.cores);

	const throughput = results.filter((r) => r.scenario.group === 'throughput');
	const memory = results.filter((r) => r.scenario.group === 'memory');
	const sharedRows = results.filter((r) => r.scenario.group === 'shared');
	const checks = [
		...checkTargets(throughput, memory, plan.name === 'quick'),
		...checkSharedTargets(sharedRows),
		...triggerTargets(triggerRows),
	];
	const series = [
		...new Set(
			throughput.map((r) => {
				const { taskDurationMs, workers } = r.scenario.emulator;
				const ns = new Set(
					throughput
						.filter((x) => x.scenario.emulator.taskDurationMs === taskDurationMs)
						.map((x) => x.scenario.n),
				);
				const histories = new Set(throughput.map((x) => x.scenario.emulator.history ?? 0));
				return `T = ${taskDurationMs / 1000} s, K = ${workers} for N ∈ {${[...ns].join(', ')}}, history ∈ {${[...histories].join(', ')}}`;
			}),
		),
	];

	const out: string[] = [];
	out.push(`# Visionatrix node bench (${plan.name} run, ${(elapsedMs / 1000).toFixed(0)} s)`);
	out.push('');
	out.push(machineLines(machine));
	out.push(loadLine(otherLoadCores, results, machine.cores));
	out.push('');
	out.push(
		`## Many tasks: wait and fetch (emulator ${series.join('; ')}; task run times T ± ${Math.round(options.jitter * 100)} %; every result file ${THROUGHPUT_OUTPUT_BYTES / MB} MB)`,
	);
	out.push('');
	out.push(throughputTable(throughput));
	out.push('');
	out.push(
		[
			'- wall: from the first request to the last file stored; ideal = ceil(N/K)·T, the server alone; server s: what the emulator actually took, first create → last completion.',
			`- Each task runs T·(1 ± u), u < ${options.jitter}, seeded by task id: every client gets the same tasks, the mean stays T, and fixed-interval pollers do not lock in phase with exact run times.`,
			'- history: finished tasks of the user (and a fifth of another user) on the server before the run: several flows and group scopes; a summary of them is about 700 bytes per task.',
			"- progress KB/task, req/task: body bytes and number of `GET …/tasks/progress*` answers in the emulator log ÷ N; server ms/task: the time the emulator spends building those answers ÷ N, each read asked again after the runs, the clients of a row group in turn (median of 5 rounds), so that every client's reads are timed alike.",
			'- detect: time from the server completing a task to the end of the first progress answer that showed it.',
			`- CPU and peak RSS Δ are the client process's only (the emulator runs in its own process); RSS sampled every 20 ms, Δ over a baseline taken after a warm-up run and GC.`,
			`- (a) one Create Task step with Download Results (it waits and fetches each task's files as it completes); (b) creates every task (one item after the other), then every ${LOOP_WAIT_MS / 1000} s reads each pending task, one item at a time, and downloads the finished ones; (c) creates all tasks, then polls each every ${PEER_POLL_MS / 1000} s and downloads it when done; the vendor guide's loop (create, poll every ${GUIDE_POLL_MS / 1000} s, download, next task) runs for N = 1 without history only.`,
		].join('\n'),
	);
	out.push('');
	out.push("### Where the node's time goes");
	out.push('');
	out.push(nodeStepsTable(throughput));
	out.push('');
	out.push(
		'- server s: first create received → last task completed, on the emulator. It needs a little more than ceil(N/K)·T (it builds each result file on completion, blocking its event loop ~10 ms per 1 MB file), and with varied run times the last round ends a little earlier or later.',
	);
	out.push('');
	out.push(
		'## One big file: client memory while downloading and uploading (one task, filesystem binary mode)',
	);
	out.push('');
	out.push(memoryTable(memory));
	out.push('');
	out.push(
		[
			"- peak RSS Δ: the client process's peak RSS during the whole run (create, wait, download) minus its baseline after a warm-up and GC; the emulator runs in its own process.",
			"- upload: Create Task of a background removal whose input image is that big a file in n8n's binary data store (stored before the baseline); the run is the create, upload included.",
			"- kernel VmHWM: the kernel's own peak RSS (reset at the start), which no sampling interval can miss; the target is judged on it (median of the runs).",
			'- held after run + GC: JS heap in use + external memory (Buffers) after the run and a full GC, minus the same before: what the run kept (the file is not held).',
			'- reference: the same task fetched with plain node:http piped into a file (no n8n, no axios): what Node.js itself grows by when streaming that many bytes.',
		].join('\n'),
	);
	if (sharedRows.length > 0) {
		out.push('');
		out.push(
			'## A server others share (no history; equal tasks taken newest first; result files of natural size)',
		);
		out.push('');
		out.push(sharedTable(sharedRows));
		out.push('');
		out.push(
			[
				"- Another user's 30 tasks (priority 1, so all of them ahead) are queued the moment the client sends its first task; the client does not see them. The server takes equal tasks newest first, as SQLite does once it has statistics: a client relying on id order is caught.",
				'- 3 executions: three workflows (node) or three loops at once, as the same user, each through its own reverse proxy so that its reads are told apart; a task counts as detected when the execution that created it saw it done. progress req/task: all of them ÷ 30.',
				"- big batch: version 1.2's Timeout counts each task's own run: a queue longer than Timeout gives every file (versions 1 and 1.1 fail the unfinished tasks at Timeout). The node runs with Timeout 20 s (the batch takes 50 s), everything else at its default.",
				"- no worker: a Create with Output Files while no worker is connected; result: the node's error and how long after the start it came.",
			].join('\n'),
		);
	}
	out.push('');
	out.push('## Visionatrix Trigger: what a poll costs');
	out.push('');
	out.push(triggerTable(triggerRows));
	out.push('');
	out.push(
		[
			"- summary of the history: one `GET …/tasks/progress-summary?group_scope=0` of the user, read before the polls: what every poll of the trigger's first release read (the full look reads it, filtered by the trigger's Flow and Group Scope, every 30th poll).",
			"- per poll: the trigger's answers (body bytes, requests, the emulator's time building them) over the polls after activation, ÷ polls; median poll: the bytes of the median poll, one without the full look. Between two polls the user queues one task and another user two (before and after it); tasks run 20 ms on 2 workers, so some are still running at the poll.",
			"- tasks started: the user's tasks that started the workflow (each counted once), after the run's tasks finished and two more polls.",
		].join('\n'),
	);
	out.push('');
	out.push('## Targets');
	out.push('');
	out.push(targetsTable(checks));
	const passed = checks.filter((c) => c.pass).length;
	out.push('');
	out.push(
		`${passed}/${checks.length} targets PASS${passed === checks.length ? '' : `, ${checks.length - passed} FAIL`}.`,
	);
	process.stdout.write(`${out.join('\n')}\n`);

	mkdirSync(dirname(options.jsonPath), { recursive: true });
	writeFileSync(
		options.jsonPath,
		`${JSON.stringify(
			{
				plan: plan.name,
				startedAt: new Date(started).toISOString(),
				elapsedMs,
				machine,
				otherLoadCores,
				settings: {
					jitter: options.jitter,
					throughputOutputBytes: THROUGHPUT_OUTPUT_BYTES,
					guidePollMs: GUIDE_POLL_MS,
					peerPollMs: PEER_POLL_MS,
					tickGapMs: TICK_GAP_MS,
					guideMaxN: plan.guideMaxN,
				},
				targets: checks,
				scenarios: results,
				trigger: triggerRows,
			},
			null,
			'\t',
		)}\n`,
	);
	log(`Results written to ${relative(process.cwd(), options.jsonPath) || options.jsonPath}`);

	const failedScenarios = results.filter((r) => r.client.error);
	if (failedScenarios.length > 0) process.exitCode = 1;
	else if (options.strict && passed < checks.length) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		killChildren();
		process.exit(130);
	});
}

main().catch((error: unknown) => {
	killChildren();
	process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
	process.exit(1);
});
