import type { TaskDetails } from '../shared/types';

/** What one task's answer weighs before any was read (an `sdxl_lighting` task, mostly its graph). */
const DEFAULT_TASK_BYTES = 4400;
/** What one summary entry weighs before any summary was read. */
const DEFAULT_SUMMARY_ENTRY_BYTES = 700;

/** One read: some tasks one by one, or the summary of one flow and group scope (never unfiltered). */
export type TaskRead =
	| { kind: 'tasks'; taskIds: number[] }
	| { kind: 'summary'; name: string; groupScope: number; taskIds: number[] };

export interface ReadResult {
	/** News of the tasks read: details, or `null` for a task the server does not know. A task left out: no news. */
	states: Map<number, TaskDetails | null>;
	/** Body bytes of each per-task answer, by task id. */
	taskBytes?: Map<number, number>;
	/** Body bytes of the summary, and how many entries it had. */
	summary?: { bytes: number; entries: number };
}

/** A task due for a read, as the read choice sees it. */
interface DueTask {
	id: number;
	flow?: string;
	groupScope?: number;
	/** Absent from its flow's summary: the next read is its own. */
	ownRead: boolean;
}

function groupKey(flow: string, groupScope: number): string {
	return `${groupScope}\u0000${flow}`;
}

/** How to read the tasks due: one by one, or in one summary per flow and group, whichever the answers' sizes say is cheaper. */
export class ReadChoice {
	private readonly taskBytes = new Map<string, number>();
	private readonly summaryBytes = new Map<string, number>();
	private summaryEntryBytes = DEFAULT_SUMMARY_ENTRY_BYTES;

	/** The reads for the tasks due; `highestId` is the highest task id the wait knows. */
	readsFor(due: DueTask[], highestId: () => number): TaskRead[] {
		const reads: TaskRead[] = [];
		const single: number[] = [];
		const groups = new Map<string, DueTask[]>();
		for (const task of due) {
			if (task.flow === undefined || task.groupScope === undefined || task.ownRead) {
				single.push(task.id);
				continue;
			}
			const key = groupKey(task.flow, task.groupScope);
			groups.set(key, [...(groups.get(key) ?? []), task]);
		}
		for (const [key, members] of groups) {
			const { flow, groupScope } = members[0] as Required<Pick<DueTask, 'flow' | 'groupScope'>>;
			// One task is read on its own: its answer's size does not depend on what the user ran before.
			if (
				members.length > 1 &&
				this.summaryCost(key, highestId) < members.length * this.taskCost(flow)
			) {
				reads.push({
					kind: 'summary',
					name: flow,
					groupScope,
					taskIds: members.map((task) => task.id),
				});
			} else {
				single.push(...members.map((task) => task.id));
			}
		}
		if (single.length) reads.unshift({ kind: 'tasks', taskIds: single.sort((a, b) => a - b) });
		return reads;
	}

	/**
	 * Whether to look for the started one among `count` queued tasks of a flow and group with one
	 * summary: when it weighs less than reading them one by one, or at most twice that when it
	 * tells more than they would (`showsOthers`: it lists other unfinished tasks of the user, which
	 * share the workers and whose runs say when to look next), or, never read yet, when at worst (every task id up to
	 * the highest known in it) it weighs at most twice that: one try tells its size.
	 */
	lookBySummary(
		flow: string,
		groupScope: number,
		count: number,
		highestId: () => number,
		showsOthers: boolean,
	): boolean {
		const key = groupKey(flow, groupScope);
		const singles = count * this.taskCost(flow);
		const known = this.summaryBytes.get(key);
		if (known === undefined) return this.summaryCost(key, highestId) <= 2 * singles;
		return showsOthers ? known <= 2 * singles : known < singles;
	}

	/** Learns what the answers of a read weighed. */
	learnSizes(read: TaskRead, result: ReadResult): void {
		if (read.kind === 'summary' && result.summary) {
			this.summaryBytes.set(groupKey(read.name, read.groupScope), result.summary.bytes);
			if (result.summary.entries > 0)
				this.summaryEntryBytes = result.summary.bytes / result.summary.entries;
		}
		for (const [taskId, bytes] of result.taskBytes ?? []) {
			const news = result.states.get(taskId);
			if (news) this.taskBytes.set(news.name, bytes);
		}
	}

	private taskCost(flow: string): number {
		return this.taskBytes.get(flow) ?? DEFAULT_TASK_BYTES;
	}

	/**
	 * What a summary of one flow and group would weigh: its last answer's size, or, never read, an
	 * upper bound: every task id up to the highest known could be one of its entries (ids are
	 * global, so a server with a long history gives a large bound until a summary says otherwise).
	 */
	private summaryCost(key: string, highestId: () => number): number {
		const known = this.summaryBytes.get(key);
		if (known !== undefined) return known;
		return highestId() * this.summaryEntryBytes;
	}
}
