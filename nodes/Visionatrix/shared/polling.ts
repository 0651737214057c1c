import type { TaskDetails } from './types';
import { taskStatus } from './taskStatus';

/**
 * Waiting for many tasks at once: one look at the server per tick covers every task still
 * pending, and the pause between ticks follows how long this server's tasks take, so a
 * finished task is noticed within about a tenth of a task's run time.
 */

export type WaitOutcome =
	| { kind: 'completed'; task: TaskDetails }
	| { kind: 'failed'; task: TaskDetails }
	| { kind: 'missing' }
	| { kind: 'timeout'; last?: TaskDetails };

export interface WaitTarget {
	taskId: number;
	/** When to give up on this task (ms since the epoch). */
	deadline: number;
}

export interface PollSchedule {
	/** Shortest pause between two ticks. */
	minDelayMs: number;
	/** Longest pause between two ticks (the user's bound). */
	maxDelayMs: number;
	/** The pause as a share of a task's typical run time. */
	shareOfTaskTime: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { minDelayMs: 200, maxDelayMs: 5000, shareOfTaskTime: 0.08 };

export interface WaitDependencies {
	/** The current state of each task asked for; `null` for a task the server does not know. */
	fetchTasks(taskIds: number[]): Promise<Map<number, TaskDetails | null>>;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	now(): number;
	signal?: AbortSignal;
	/** Called after each tick with the tasks still pending (for progress reporting and tests). */
	onTick?(pending: number[]): void;
	/** Called the moment a task is seen completed (to start on its files while others still run). */
	onCompleted?(task: TaskDetails): void;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/** The pause before the next tick: a share of the typical task time, within the bounds. */
export function nextDelay(typicalTaskMs: number, schedule: PollSchedule): number {
	const wanted = typicalTaskMs * schedule.shareOfTaskTime;
	return Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, wanted));
}

export async function waitForTasks(
	targets: WaitTarget[],
	schedule: PollSchedule,
	deps: WaitDependencies,
): Promise<Map<number, WaitOutcome>> {
	const outcomes = new Map<number, WaitOutcome>();
	const deadlines = new Map<number, number>();
	for (const { taskId, deadline } of targets) {
		deadlines.set(taskId, Math.max(deadline, deadlines.get(taskId) ?? 0));
	}
	const lastSeen = new Map<number, TaskDetails>();
	const runTimesMs: number[] = [];
	const startedAt = deps.now();

	while (outcomes.size < deadlines.size) {
		deps.signal?.throwIfAborted();
		const pending = [...deadlines.keys()].filter((id) => !outcomes.has(id));
		const states = await deps.fetchTasks(pending);
		const now = deps.now();
		for (const taskId of pending) {
			const task = states.get(taskId);
			if (task === null) {
				outcomes.set(taskId, { kind: 'missing' });
				continue;
			}
			if (task) {
				lastSeen.set(taskId, task);
				const status = taskStatus(task);
				if (status === 'completed' || status === 'failed') {
					outcomes.set(taskId, { kind: status, task });
					if (status === 'completed') deps.onCompleted?.(task);
					if (status === 'completed' && task.execution_time > 0) {
						runTimesMs.push(task.execution_time * 1000);
					}
					continue;
				}
			}
			if (now >= (deadlines.get(taskId) ?? 0)) {
				outcomes.set(taskId, { kind: 'timeout', last: lastSeen.get(taskId) });
			}
		}
		const stillPending = pending.filter((id) => !outcomes.has(id));
		deps.onTick?.(stillPending);
		if (stillPending.length === 0) break;

		const typicalTaskMs = runTimesMs.length ? median(runTimesMs) : now - startedAt;
		const nearestDeadline = Math.min(...stillPending.map((id) => deadlines.get(id) ?? now));
		const delay = Math.min(nextDelay(typicalTaskMs, schedule), Math.max(0, nearestDeadline - now));
		await deps.sleep(delay, deps.signal);
	}
	return outcomes;
}
