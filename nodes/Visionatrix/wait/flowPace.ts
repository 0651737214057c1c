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
	private readonly runTimes = new Map<string, number[]>();
	/** Run times suggested by progress reports, by flow, until a task of the flow finishes. */
	private readonly reports = new Map<string, number[]>();

	finished(flow: string, runMs: number): void {
		this.runTimes.set(flow, [...(this.runTimes.get(flow) ?? []), runMs]);
	}

	reported(flow: string, runMs: number): void {
		if (!this.runTimes.has(flow))
			this.reports.set(flow, [...(this.reports.get(flow) ?? []), runMs]);
	}

	/** The typical run time of a flow's tasks, if anything tells. */
	of(flow: string | undefined): number | undefined {
		if (flow !== undefined) {
			const own = median(this.runTimes.get(flow) ?? []);
			if (own !== undefined) return own;
			// Another flow's pace says little about this one: its first reports tell more.
			return median(this.reports.get(flow) ?? []);
		}
		return median([...this.runTimes.values()].flat());
	}

	/** The run times a flow's tasks can be expected to take: those seen, or, before two have finished, a spread around the pace. */
	range(flow: string | undefined, pace: number): { quickest: number; slowest: number } {
		const seen = flow !== undefined ? (this.runTimes.get(flow) ?? []) : [];
		if (seen.length < 2)
			return { quickest: pace * (1 - UNSEEN_SPREAD), slowest: pace * (1 + UNSEEN_SPREAD) };
		return { quickest: Math.min(...seen), slowest: Math.max(...seen) };
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
		const looks = [start + this.firstLook(flow, pace), start + this.range(flow, pace).slowest];
		// Past them it is slower than its flow's tasks: read again after a share of the time it has
		// run so far, so a task far slower than the others is read ever less often.
		const next = looks.find((look) => look > now + minDelayMs / 2);
		return next !== undefined && (next <= now + step || ran < pace) ? next : now + step;
	}
}
