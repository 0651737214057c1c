import type { Logger } from 'n8n-workflow';

import { pause } from '../shared/pause';
import type { Outage } from '../shared/types';

/**
 * Riding out an outage while waiting: a server restart, or a reverse proxy answering 502/503/504
 * while the server behind it is down, is not the end of a wait. The read is tried again, backing
 * off up to the longest poll pause, until the server answers or the deadline passes; n8n's log says
 * when the server stopped answering and when it answers again. Anything else (a 401, a 404, a
 * Visionatrix error) is not an outage and goes to the caller at once.
 */

/** Failures that mean "nobody answered for Visionatrix", as networkErrors.ts and responseErrors.ts mark them. */
interface MarkedFailure {
	networkCode?: string;
	proxyAnswer?: boolean;
	message?: string;
}

/** A host name that does not resolve is a typo as often as a restart: an outage only once the server has answered. */
const NAME_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

export function isOutage(error: unknown, serverAnsweredBefore: boolean): boolean {
	const { networkCode, proxyAnswer } = (error ?? {}) as MarkedFailure;
	if (proxyAnswer === true) return true;
	if (typeof networkCode !== 'string') return false;
	return serverAnsweredBefore || !NAME_FAILURES.has(networkCode);
}

interface OutageWatchOptions {
	logger: Logger;
	/** The node's name, for the log. */
	nodeName: string;
	/** The longest pause between two tries (Max Poll Interval). */
	maxDelayMs: number;
	/** The first pause (default 1 s), doubled after each failed try. */
	firstDelayMs?: number;
	signal?: AbortSignal;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One wait's view of the server: up, or down since when; shared by all the reads of that wait. */
export class OutageWatch {
	private outage: Outage | undefined;
	private answered = false;
	private readonly now: () => number;
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

	constructor(private readonly options: OutageWatchOptions) {
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? pause;
	}

	/** The outage under way, if the last read failed for lack of an answer. */
	get current(): Outage | undefined {
		return this.outage;
	}

	/** Records a read that got an answer; logs the end of an outage. */
	answer(): void {
		this.answered = true;
		if (!this.outage) return;
		const seconds = Math.round((this.now() - this.outage.since) / 1000);
		this.options.logger.info(
			`Visionatrix node "${this.options.nodeName}": Visionatrix answers again after ${seconds} s without an answer; the wait goes on`,
		);
		this.outage = undefined;
	}

	/** Records a failed read; true (and logged at its start) when it is an outage to wait out. */
	failure(error: unknown): boolean {
		if (!isOutage(error, this.answered)) return false;
		if (!this.outage) {
			this.options.logger.warn(
				`Visionatrix node "${this.options.nodeName}": Visionatrix stopped answering (${(error as Error).message}); the wait goes on until it answers again or the timeout`,
			);
			this.outage = { since: this.now(), failure: error as Error };
		} else {
			this.outage.failure = error as Error;
		}
		return true;
	}

	/**
	 * The read's result once the server answers. An outage still under way at `deadline`: what
	 * `atDeadline` makes of the last failure (return a stand-in, or throw it).
	 */
	async read<T>(
		read: () => Promise<T>,
		deadline: number,
		atDeadline: (failure: Error) => T,
	): Promise<T> {
		let delay = Math.min(this.options.firstDelayMs ?? 1000, this.options.maxDelayMs);
		for (;;) {
			try {
				const value = await read();
				this.answer();
				return value;
			} catch (error) {
				if (this.options.signal?.aborted || !this.failure(error)) throw error as Error;
				const left = deadline - this.now();
				if (left <= 0) return atDeadline(error as Error);
				await this.sleep(Math.min(delay, left), this.options.signal);
				delay = Math.min(delay * 2, this.options.maxDelayMs);
			}
		}
	}
}

/** Rethrows the last failure: for reads whose result nothing can stand in for (a download). */
export function giveUp(failure: Error): never {
	throw failure;
}

/**
 * Watches kept between calls that share no memory otherwise: the webhook calls and fallback checks
 * of one waiting node (keyed by execution and node), so an outage is logged once, not per call.
 */
const standingWatches = new Map<string, OutageWatch>();

export function standingWatch(key: string, make: () => OutageWatch): OutageWatch {
	let watch = standingWatches.get(key);
	if (!watch) {
		watch = make();
		standingWatches.set(key, watch);
	}
	return watch;
}

export function dropStandingWatch(key: string): void {
	standingWatches.delete(key);
}
