import type { TaskDetails } from '../shared/types';

/** The server's timestamps are used once its clock is known to within this (ms). */
const CLOCK_WINDOW_MS = 150;

/** The server's naive UTC timestamps (`2026-11-27T05:32:42.653742`) in ms. */
export function serverTime(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
	return Number.isFinite(ms) ? ms : undefined;
}

/** What the clock needs of a task: its state and when it was last read. */
interface ReadTask {
	state: 'unknown' | 'queued' | 'running';
	lastReadAt?: number;
	lastSentAt?: number;
	last?: TaskDetails;
}

/** The server's clock as its answers' timestamps bound it. */
export class ServerClock {
	/** Bounds of the server's clock minus this one (ms), from the timestamps in the answers. */
	private low = -Infinity;
	private high = Infinity;

	/**
	 * What the server's timestamps say of its clock: it wrote `updated_at`, `locked_at` and
	 * `finished_at` before answering (the offset is at least their distance to the answer), and a
	 * task seen unfinished (or queued) by an earlier read ended (or started) after that read was sent.
	 */
	read(task: ReadTask, news: TaskDetails, answeredAt: number): void {
		this.answered(news, answeredAt);
		const updated = serverTime(news.updated_at);
		const locked = serverTime(news.locked_at);
		const finished = serverTime(news.finished_at);
		if (task.lastSentAt !== undefined) {
			if (finished !== undefined && task.state !== 'unknown')
				this.high = Math.min(this.high, finished - task.lastSentAt);
			if (locked !== undefined && task.state === 'queued' && task.lastReadAt !== undefined)
				this.high = Math.min(this.high, locked - task.lastSentAt);
			// A progress report newer than the last read was written after that read was sent.
			if (updated !== undefined && task.last !== undefined && news.progress > task.last.progress)
				this.high = Math.min(this.high, updated - task.lastSentAt);
		}
	}

	/** Any task in an answer (the wait's or not): its timestamps were written before the answer. */
	answered(news: TaskDetails, answeredAt: number): void {
		for (const stamp of [news.updated_at, news.locked_at, news.finished_at].map(serverTime)) {
			if (stamp !== undefined) this.low = Math.max(this.low, stamp - answeredAt);
		}
	}

	/**
	 * A server timestamp on this clock as late as the answers allow: never after the answer that
	 * carried it. Known as soon as one answer had a timestamp; what a task's run limit counts from.
	 */
	latestLocalTime(stamp: number | undefined): number | undefined {
		return stamp === undefined || !Number.isFinite(this.low) ? undefined : stamp - this.low;
	}

	/**
	 * A server timestamp on this clock, once the answers have bounded the offset within
	 * {@link CLOCK_WINDOW_MS}: reads just before and just after a task's end do that.
	 */
	localTime(stamp: number | undefined): number | undefined {
		const window = this.high - this.low;
		if (stamp === undefined || !(window >= 0 && window <= CLOCK_WINDOW_MS)) return undefined;
		return stamp - (this.low + this.high) / 2;
	}
}
