import {
	clamp,
	FIRST_LOOK_MS,
	median,
	NOTICE_WITHIN_MS,
	UNSEEN_SPREAD,
	type PollSchedule,
} from './schedule';

/** How long each flow's tasks take (ms): the run times of its finished tasks, or what its first progress reports suggest. */
export class FlowPace {
	/** Run times (ms) of each flow's finished tasks, kept sorted: read on every tick for every task. */
	private readonly runTimes = new Map<string, number[]>();
	/** Run times suggested by progress reports, by flow, until a task of the flow finishes. */
	private readonly reports = new Map<string, number[]>();

	finished(flow: string, runMs: number): void {
		const sorted = this.runTimes.get(flow) ?? [];
		const at = sorted.findIndex((seen) => seen > runMs);
		sorted.splice(at === -1 ? sorted.length : at, 0, runMs);
		this.runTimes.set(flow, sorted);
	}

	reported(flow: string, runMs: number): void {
		if (!this.runTimes.has(flow))
			this.reports.set(flow, [...(this.reports.get(flow) ?? []), runMs]);
	}

	/** The typical run time of a flow's tasks, if anything tells. */
	of(flow: string | undefined): number | undefined {
		if (flow === undefined) return median([...this.runTimes.values()].flat());
		const sorted = this.runTimes.get(flow);
		// The lower median, as `median` gives it.
		if (sorted) return sorted[Math.floor((sorted.length - 1) / 2)];
		// Another flow's pace says little about this one: its first reports tell more.
		return median(this.reports.get(flow) ?? []);
	}

	/** The run times a flow's tasks can be expected to take: those seen, or, before two have finished, a spread around the pace. */
	range(flow: string | undefined, pace: number): { quickest: number; slowest: number } {
		const sorted = flow !== undefined ? (this.runTimes.get(flow) ?? []) : [];
		if (sorted.length < 2)
			return { quickest: pace * (1 - UNSEEN_SPREAD), slowest: pace * (1 + UNSEEN_SPREAD) };
		return { quickest: sorted[0], slowest: sorted[sorted.length - 1] };
	}

	/**
	 * How long after its start a task is first read for its end: when the quickest of its flow's
	 * tasks would have ended {@link NOTICE_WITHIN_MS} before (most have ended by then, and none long
	 * before), but not before the typical run time nor after the slowest.
	 */
	firstLook(flow: string | undefined, pace: number): number {
		const { quickest, slowest } = this.range(flow, pace);
		return clamp(quickest + NOTICE_WITHIN_MS, pace, slowest);
	}

	/**
	 * When to read a task of this flow that started at `start` again: at its first look, then when
	 * the slowest of the flow's tasks would have ended, then at short steps until it ends. With no
	 * pace known yet: a first look soon after its start, to learn it from the worker's reports.
	 */
	nextLook(flow: string | undefined, start: number, now: number, schedule: PollSchedule): number {
		const { minDelayMs, maxDelayMs, shareOfTaskTime } = schedule;
		const ran = now - start;
		const pace = this.of(flow);
		if (pace === undefined) {
			return now + clamp(Math.max(FIRST_LOOK_MS - ran, 0.25 * ran), minDelayMs, maxDelayMs);
		}
		const step = clamp(Math.max(pace, ran) * shareOfTaskTime, minDelayMs, maxDelayMs);
		const { slowest } = this.range(flow, pace);
		const looks = [start + this.firstLook(flow, pace), start + slowest];
		// Past them it is slower than its flow's tasks: read again after a share of the time it has
		// run so far, so a task far slower than the others is read ever less often.
		const next = looks.find((look) => look > now + minDelayMs / 2);
		return next !== undefined && (next <= now + step || ran < pace) ? next : now + step;
	}
}
