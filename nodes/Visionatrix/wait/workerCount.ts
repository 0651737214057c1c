import type { TaskDetails } from '../shared/types';
import { serverTime } from './serverClock';

type Span = { from: number; to: number };

/**
 * How many workers serve the wait's tasks: the most of them seen running at once. By the server's
 * own timestamps when its answers carry them (a finished task from its start to its end, a running
 * one from its lock to its latest report: it may have ended since), else by the wait's estimates.
 */
export class WorkerCount {
	/** Finished tasks' runs on the server's clock: exact, whatever the wait knows of that clock. */
	private readonly ranOnServer: Span[] = [];
	private readonly runningOnServer = new Map<number, Span>();
	/** At least this many workers serve the tasks. */
	seen = 0;
	/** A task the line gave to a spare worker was read still queued: there is no spare worker. */
	noSpare = false;

	running(taskId: number, news: TaskDetails): void {
		const locked = serverTime(news.locked_at);
		if (locked === undefined) return;
		const reported = serverTime(news.updated_at) ?? locked;
		this.runningOnServer.set(taskId, { from: locked, to: Math.max(locked, reported) });
	}

	finished(taskId: number, news: TaskDetails, runMs: number): void {
		const finishedAt = serverTime(news.finished_at);
		if (finishedAt !== undefined) {
			const from = this.runningOnServer.get(taskId)?.from ?? finishedAt - runMs;
			this.ranOnServer.push({ from, to: finishedAt });
		}
		this.runningOnServer.delete(taskId);
	}

	/** Counts again; `estimated` are the wait's own spans, used when the server gave no timestamps. */
	count(estimated: () => Span[]): void {
		const most =
			this.ranOnServer.length > 0
				? mostAtOnce([...this.ranOnServer, ...this.runningOnServer.values()])
				: mostAtOnce(estimated());
		if (most > this.seen) {
			this.seen = most;
			this.noSpare = false;
		}
	}
}

/** The most spans that clearly overlap: starts and ends are estimates, so only a clear overlap counts. */
function mostAtOnce(spans: readonly Span[]): number {
	const edges = spans.flatMap(({ from, to }) => {
		const margin = Math.min(200, 0.1 * (to - from));
		return to - from > 2 * margin
			? [
					{ at: from + margin, step: 1 },
					{ at: to - margin, step: -1 },
				]
			: [];
	});
	edges.sort((a, b) => a.at - b.at || a.step - b.step);
	let running = 0;
	let most = 0;
	for (const { step } of edges) {
		running += step;
		most = Math.max(most, running);
	}
	return most;
}
