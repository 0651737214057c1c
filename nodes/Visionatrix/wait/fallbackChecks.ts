import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { pause } from '../shared/pause';
import { dropStandingWatch } from './outage';
import { fallbackCheckUrl } from './resumeUrl';

/** Fallback loops running in this process, by execution and node: webhook() ends its node's loop when it resumes. */
export const fallbackLoops = new Map<string, AbortController>();
export const loopKey = (executionId: string, node: string) => `${executionId}\u0000${node}`;

/**
 * The fallback: every `everyMs`, and once at the deadline, a check posted to the resume URL. It
 * ends when the answer is anything but "still waiting" (resumed, finished, another node waiting,
 * gone), or at once when webhook() resumes the execution in this process. In queue mode the loop
 * runs on the worker that started the wait and webhook() in the main process: there its first
 * check after the resume is what ends it (n8n logs that call's 409 as an error).
 *
 * It holds no execution context (plain fetch): nothing of the execution stays in memory.
 */
export function startFallbackChecks(
	context: IExecuteFunctions,
	resumeUrl: string,
	everyMs: number,
	deadline: number,
	outageMaxDelayMs: number,
): void {
	const url = fallbackCheckUrl(resumeUrl);
	const node = context.getNode().name;
	const key = loopKey(context.getExecutionId(), node);
	const { logger } = context;
	const controller = new AbortController();
	fallbackLoops.get(key)?.abort();
	fallbackLoops.set(key, controller);
	void (async () => {
		// While the check finds Visionatrix down, the next comes sooner: 1 s, doubling up to Max Poll Interval.
		let outageDelay = 0;
		try {
			for (;;) {
				const left = deadline - Date.now();
				if (left < 0) return;
				await pause(Math.min(outageDelay || everyMs, left), controller.signal);
				let status: unknown;
				try {
					const response = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ fallback_check: true, node }),
						signal: AbortSignal.timeout(120_000),
					});
					const answer = response.ok ? ((await response.json()) as IDataObject) : undefined;
					status = answer ? answer.status : response.status;
					outageDelay =
						answer?.outage === true
							? Math.min(Math.max(1000, outageDelay * 2), Math.max(1000, outageMaxDelayMs))
							: 0;
				} catch (error) {
					if (controller.signal.aborted) return;
					logger.warn(
						`Visionatrix node "${node}": fallback check could not reach the resume URL: ${(error as Error).message}`,
					);
					continue;
				}
				if (status !== 'waiting' || Date.now() >= deadline) return;
			}
		} catch {
			// Aborted: the execution resumed in this process.
		} finally {
			if (fallbackLoops.get(key) === controller) {
				fallbackLoops.delete(key);
				dropStandingWatch(key);
			}
		}
	})();
}
