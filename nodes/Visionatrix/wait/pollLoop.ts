import type { TaskDetails } from '../shared/types';
import type { ReadResult, TaskRead } from './readChoice';
import type { PollSchedule, QueueRules, WaitOutcome, WaitTarget } from './schedule';
import { WaitPlan } from './waitPlan';

export interface WaitDependencies {
	/** Performs one read. A read that fails for good throws; tasks it could not read are left out of `states`. */
	fetchTasks(read: TaskRead): Promise<ReadResult>;
	/** Version 1.2: whether a connected worker can run each flow (the flows list); a flow left out: not known. */
	checkWorkers?(flows: string[]): Promise<Map<string, boolean>>;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	now(): number;
	signal?: AbortSignal;
	/** Called after each tick with the tasks still pending (for progress reporting and tests). */
	onTick?(pending: number[]): void;
	/** Called the moment a task is seen completed (to start on its files while others still run). */
	onCompleted?(task: TaskDetails): void;
}

/** One tick: the reads that are due, then (version 1.2) the workers check that is due; whether anything was asked. */
async function tick(plan: WaitPlan, deps: WaitDependencies): Promise<boolean> {
	const now = deps.now();
	const reads = plan.readsDue(now);
	if (reads.length > 0) {
		const results = await Promise.all(reads.map(async (read) => await deps.fetchTasks(read)));
		const answeredAt = deps.now();
		for (const [index, read] of reads.entries()) {
			for (const { outcome } of plan.learn(read, results[index], answeredAt, now)) {
				if (outcome.kind === 'completed') deps.onCompleted?.(outcome.task);
			}
		}
	}
	const flows = deps.checkWorkers ? plan.workersCheckDue(deps.now()) : [];
	if (flows.length > 0) plan.learnWorkers(flows, await deps.checkWorkers!(flows), deps.now());
	return reads.length > 0 || flows.length > 0;
}

/** Waits for all the targets: reads what the plan says is due, sleeps until the next is due. */
export async function waitForTasks(
	targets: WaitTarget[],
	schedule: PollSchedule,
	deps: WaitDependencies,
	rules?: QueueRules,
): Promise<Map<number, WaitOutcome>> {
	if (rules && !deps.checkWorkers) throw new Error('The queue rules need a workers check');
	const plan = new WaitPlan(targets, schedule, deps.now(), rules);
	while (plan.pending.length > 0) {
		deps.signal?.throwIfAborted();
		if (await tick(plan, deps)) {
			deps.onTick?.(plan.pending);
			if (plan.pending.length === 0) break;
		}
		const wakeAt = plan.wakeAt()!;
		await deps.sleep(Math.max(1, wakeAt - deps.now()), deps.signal);
	}
	return plan.outcomes;
}
