/**
 * What the emulator's request log and task timings say about a client: how many progress
 * requests it sent, how they group into ticks, and how long after a task completed on the server
 * the client learned of it.
 */
import type { ClientMeasurement, EmulatorReport, LoggedRequest, ScenarioSpec } from './types';

/** Progress requests closer together than this belong to the same polling tick. */
export const TICK_GAP_MS = 50;

export interface RequestStats {
	/** `GET …/tasks/progress*`: progress/{id}, progress-summary and progress (full list). */
	progressRequests: number;
	progressPerTask: number;
	/** By route: `progress/{id}`, `progress-summary`, `progress`. */
	byRoute: Record<string, number>;
	/** Progress requests while the client was waiting (for the node: while Wait for Completion ran). */
	waitRequests: number;
	/** Groups of wait-phase progress requests separated by more than TICK_GAP_MS. */
	ticks: number;
	requestsPerTick: number | null;
	/** The most progress requests in one tick. */
	maxRequestsPerTick: number;
	/** Body bytes of every progress answer, and per task. */
	progressBytes: number;
	progressBytesPerTask: number;
	/** ms the emulator spent building the progress answers, and per task. */
	progressServerMs: number;
	progressServerMsPerTask: number;
	/** Summaries without a flow or of every group (`group_scope=0`), and `GET /tasks/progress` lists: none should be asked. */
	unfilteredListings: number;
	otherRequests: Record<string, number>;
}

export interface DetectionStats {
	/** Tasks completed on the server. */
	completed: number;
	/** ms from server completion to the end of the first progress answer that could show it, per task. */
	latenciesMs: number[];
	meanMs: number | null;
	p50Ms: number | null;
	p95Ms: number | null;
	maxMs: number | null;
	/** Tasks for which no progress answer after completion was found (should be 0). */
	unseen: number;
}

type Coverage = { all: true } | { all: false; taskId: number };

/** What a logged request is: a progress look (and at which tasks), or something else. */
function progressCoverage(
	request: LoggedRequest,
	prefix: string,
): { route: string; coverage: Coverage } | null {
	if (request.method !== 'GET' || !request.path.startsWith(`${prefix}/tasks/progress`)) return null;
	const rest = request.path.slice(`${prefix}/tasks/progress`.length);
	if (rest === '-summary' || rest === '-summary/')
		return { route: 'progress-summary', coverage: { all: true } };
	if (rest === '' || rest === '/') return { route: 'progress', coverage: { all: true } };
	const id = Number(rest.slice(1));
	return Number.isInteger(id)
		? { route: 'progress/{id}', coverage: { all: false, taskId: id } }
		: null;
}

function routeName(request: LoggedRequest, prefix: string): string {
	const path = request.path.startsWith(prefix) ? request.path.slice(prefix.length) : request.path;
	const generic = path
		.replace(/\/\d+(?=\/|$)/g, '/{id}')
		.replace(/\/tasks\/create\/[^/]+$/, '/tasks/create/{flow}');
	return `${request.method} ${generic}`;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
	if (sorted.length === 0) return null;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function requestStats(
	scenario: ScenarioSpec,
	report: EmulatorReport,
	client: ClientMeasurement,
): RequestStats {
	const byRoute: Record<string, number> = {};
	const otherRequests: Record<string, number> = {};
	const phases = client.waitPhases ?? [{ from: -Infinity, to: Infinity }];
	/** Wait-phase progress requests: receive time and the phase it fell in. */
	const waiting: Array<{ at: number; phase: number }> = [];
	let progressRequests = 0;
	let progressBytes = 0;
	let progressServerMs = 0;
	let unfilteredListings = 0;
	for (const request of report.requests) {
		const progress = progressCoverage(request, report.prefix);
		if (!progress) {
			const name = routeName(request, report.prefix);
			otherRequests[name] = (otherRequests[name] ?? 0) + 1;
			continue;
		}
		progressRequests++;
		progressBytes += request.responseBytes ?? 0;
		progressServerMs += request.replayedMs ?? request.handlingMs ?? 0;
		if (
			progress.route === 'progress' ||
			(progress.route === 'progress-summary' &&
				(!request.query.name || !request.query.group_scope || request.query.group_scope === '0'))
		)
			unfilteredListings++;
		byRoute[progress.route] = (byRoute[progress.route] ?? 0) + 1;
		const phase = phases.findIndex(
			({ from, to }) => request.receivedAt >= from && request.receivedAt <= to,
		);
		if (phase >= 0) waiting.push({ at: request.receivedAt, phase });
	}
	waiting.sort((a, b) => a.at - b.at);
	// A new tick: the first request, a new phase, or a gap of more than TICK_GAP_MS.
	const tickSizes: number[] = [];
	for (const [index, { at, phase }] of waiting.entries()) {
		const previous = waiting[index - 1];
		if (!previous || previous.phase !== phase || at - previous.at > TICK_GAP_MS) tickSizes.push(0);
		tickSizes[tickSizes.length - 1]++;
	}
	const waitTimes = waiting;
	return {
		progressRequests,
		progressPerTask: progressRequests / scenario.n,
		byRoute,
		waitRequests: waitTimes.length,
		ticks: tickSizes.length,
		requestsPerTick: tickSizes.length ? waitTimes.length / tickSizes.length : null,
		maxRequestsPerTick: Math.max(0, ...tickSizes),
		progressBytes,
		progressBytesPerTask: progressBytes / scenario.n,
		progressServerMs,
		progressServerMsPerTask: progressServerMs / scenario.n,
		unfilteredListings,
		otherRequests,
	};
}

/**
 * For each task: the first progress answer that covers it (its own `progress/{id}`, or a list)
 * and was received at or after the server completed it; the client learned of the completion when
 * that answer was sent (`finishedAt`; on loopback it arrives within a millisecond). If a look
 * received just before completion was answered just after it (a window of about a millisecond)
 * and no later look exists, that look is taken: it must have shown the task done.
 */
export function detectionStats(report: EmulatorReport, user?: string): DetectionStats {
	const looks = report.requests
		.map((request) => ({ request, progress: progressCoverage(request, report.prefix) }))
		.filter(
			(
				look,
			): look is {
				request: LoggedRequest;
				progress: NonNullable<ReturnType<typeof progressCoverage>>;
			} =>
				look.progress !== null && look.request.status === 200 && look.request.finishedAt !== null,
		)
		.sort((a, b) => a.request.receivedAt - b.request.receivedAt);
	const latencies: number[] = [];
	let unseen = 0;
	let completed = 0;
	// The shared rows: the client's own tasks only, each seen by the execution that created it.
	for (const task of report.tasks.filter((t) => user === undefined || t.user === user)) {
		if (task.completedAt === null) continue;
		completed++;
		const done = task.completedAt;
		const covering = looks.filter(
			({ progress, request }) =>
				(progress.coverage.all || progress.coverage.taskId === task.id) &&
				(task.execution === undefined ||
					request.via === undefined ||
					request.via === task.execution),
		);
		const after = covering.find(({ request }) => request.receivedAt >= done);
		const straddling = [...covering]
			.reverse()
			.find(({ request }) => request.receivedAt < done && request.finishedAt! >= done);
		const look = after ?? straddling;
		if (!look) {
			unseen++;
			continue;
		}
		latencies.push(look.request.finishedAt! - done);
	}
	latencies.sort((a, b) => a - b);
	return {
		completed,
		latenciesMs: latencies,
		meanMs: latencies.length ? latencies.reduce((sum, v) => sum + v, 0) / latencies.length : null,
		p50Ms: percentile(latencies, 50),
		p95Ms: percentile(latencies, 95),
		maxMs: latencies.length ? latencies[latencies.length - 1] : null,
		unseen,
	};
}

/** Where a scenario's wall time went, in ms from the client's start (see ClientMeasurement). */
export interface Timeline {
	/** First create request received by the server. */
	firstCreateMs: number | null;
	/** Last task completed on the server. */
	lastCompletionMs: number | null;
	/** Server makespan: first create → last completion (what the ideal ceil(N/K)·T estimates). */
	serverMakespanMs: number | null;
	/** Last completion → the client done (detection of the last task, then what follows). */
	tailMs: number | null;
	/** Download requests: first received → last answered. */
	downloadsMs: number | null;
	/** The node's steps, ms each (Create Task, Wait for Completion, Get Results). */
	steps?: Record<string, number>;
	/** Within Get Results: its start → its first download request (the per-task progress looks). */
	getResultsLookupsMs?: number;
}

export function timeline(report: EmulatorReport, client: ClientMeasurement): Timeline {
	const at = (epoch: number | null | undefined) =>
		epoch === null || epoch === undefined ? null : epoch - client.startedAt;
	const creates = report.requests.filter(
		(r) => r.method === 'PUT' && r.path.startsWith(`${report.prefix}/tasks/create/`),
	);
	const downloads = report.requests.filter(
		(r) => r.method === 'GET' && r.path === `${report.prefix}/tasks/results`,
	);
	const completions = report.tasks.map((t) => t.completedAt).filter((t): t is number => t !== null);
	const firstCreate = creates.length ? Math.min(...creates.map((r) => r.receivedAt)) : null;
	const lastCompletion = completions.length ? Math.max(...completions) : null;
	const result: Timeline = {
		firstCreateMs: at(firstCreate),
		lastCompletionMs: at(lastCompletion),
		serverMakespanMs:
			firstCreate !== null && lastCompletion !== null ? lastCompletion - firstCreate : null,
		tailMs: lastCompletion !== null ? client.endedAt - lastCompletion : null,
		downloadsMs: downloads.length
			? Math.max(...downloads.map((r) => r.finishedAt ?? r.receivedAt)) -
				Math.min(...downloads.map((r) => r.receivedAt))
			: null,
	};
	if (client.phases) {
		result.steps = Object.fromEntries(
			Object.entries(client.phases).map(([name, phase]) => [name, phase.to - phase.from]),
		);
		const getResults = client.phases['Get Results'];
		const firstDownload = downloads.length ? Math.min(...downloads.map((r) => r.receivedAt)) : null;
		if (getResults && firstDownload !== null)
			result.getResultsLookupsMs = firstDownload - getResults.from;
	}
	return result;
}
