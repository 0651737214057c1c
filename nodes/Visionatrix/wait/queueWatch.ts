import { QUIET_MS, STALL_MS, type Tracked } from './schedule';
import type { TaskDetails } from '../shared/types';

/**
 * Node version 1.2's watch over a queue that does not move: when it asks whether any worker can
 * run the wait's flows (the flows list's `is_supported_by_workers`), and when a running task's
 * worker has gone silent. Time in the queue alone is never a failure: a busy server is asked
 * again after every {@link QUIET_MS} of quiet, and the wait goes on while it says yes.
 */
export class QueueWatch {
	/** When one of the wait's tasks last started, reported or ended. */
	private lastActivity: number;
	private lastCheck = -Infinity;
	private readonly checked: Set<string>;

	constructor(now: number, checkedFlows: readonly string[]) {
		this.lastActivity = now;
		this.checked = new Set(checkedFlows);
	}

	activity(now: number): void {
		this.lastActivity = Math.max(this.lastActivity, now);
	}

	/** When the flows of the queued tasks are next asked about: at once for a flow never asked, else after the quiet. */
	nextCheckAt(queuedFlows: readonly string[]): number | undefined {
		if (queuedFlows.length === 0) return undefined;
		if (queuedFlows.some((flow) => !this.checked.has(flow))) return -Infinity;
		return Math.max(this.lastActivity, this.lastCheck) + QUIET_MS;
	}

	/** The flows to ask about now (none: not yet). */
	due(now: number, queuedFlows: readonly string[]): string[] {
		const at = this.nextCheckAt(queuedFlows);
		return at !== undefined && now >= at ? [...new Set(queuedFlows)] : [];
	}

	checkedAt(now: number, flows: readonly string[]): void {
		this.lastCheck = now;
		for (const flow of flows) this.checked.add(flow);
	}

	/**
	 * A running task's report, as read at `now`: notes when it last changed (a new report is
	 * activity); true when its worker has sent none for {@link STALL_MS}.
	 */
	silent(task: Tracked, news: TaskDetails, now: number): boolean {
		const before = task.last;
		const changed =
			task.reportSeenAt === undefined ||
			before === undefined ||
			before.progress !== news.progress ||
			before.updated_at !== news.updated_at ||
			before.execution_time !== news.execution_time;
		if (changed) {
			task.reportSeenAt = now;
			this.activity(now);
			return false;
		}
		return now - task.reportSeenAt! >= STALL_MS;
	}
}
