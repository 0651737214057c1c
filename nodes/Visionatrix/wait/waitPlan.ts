import type { TaskDetails } from '../shared/types';
import { taskStatus } from '../shared/taskStatus';
import { ReadChoice, type ReadResult, type TaskRead } from './readChoice';
import { FlowPace } from './flowPace';
import { QueueLine } from './queueLine';
import { QueueWatch } from './queueWatch';
import { WorkerCount } from './workerCount';
import {
	expectedStarted,
	SAME_TICK_MS,
	timeoutOf,
	type PollSchedule,
	type QueueRules,
	trackedTarget,
	type Tracked,
	type WaitOutcome,
	type WaitTarget,
} from './schedule';
import { ServerClock } from './serverClock';
import { TaskRuns } from './taskRuns';

type Ended = { taskId: number; outcome: WaitOutcome };

/** What one read told beyond each task's own news. */
interface ReadNews {
	started: Tracked[];
	/** A task the line expected to have started was still queued. */
	missed: boolean;
}

/** The wait's knowledge and its schedule (see schedule.ts): which tasks to read when, and how. */
export class WaitPlan {
	private readonly tasks = new Map<number, Tracked>();
	readonly outcomes = new Map<number, WaitOutcome>();
	private readonly reads = new ReadChoice();
	private readonly clock = new ServerClock();
	/** How long the flows' tasks take. */
	private readonly pace = new FlowPace();
	/** When the wait's tasks ran (estimated start, end), to count the workers. */
	private readonly runs = new TaskRuns(this.clock);
	private readonly workers = new WorkerCount();
	private readonly line = new QueueLine();
	/** Version 1.2: the watch over a queue that does not move. */
	private readonly watch?: QueueWatch;
	/** Reads that looked at all the queued tasks of a group (or the few most likely). */
	private readonly wideReads = new WeakSet<TaskRead>();

	constructor(
		targets: readonly WaitTarget[],
		private readonly schedule: PollSchedule,
		now: number,
		rules?: QueueRules,
	) {
		for (const target of targets) {
			const known = this.tasks.get(target.taskId);
			if (known) {
				known.deadline = Math.max(known.deadline, target.deadline);
				continue;
			}
			this.tasks.set(target.taskId, trackedTarget(target, now));
		}
		if (rules) this.watch = new QueueWatch(now, rules.checkedFlows);
		this.replan(now);
	}

	get pending(): number[] {
		return [...this.tasks.keys()];
	}

	/** When the next read (or workers check) is due (ms), or undefined when nothing is pending. */
	wakeAt(): number | undefined {
		if (this.tasks.size === 0) return undefined;
		let earliest = Math.min(
			this.line.lookAroundAt ?? Infinity,
			this.watch?.nextCheckAt(this.queuedFlows()) ?? Infinity,
		);
		for (const task of this.tasks.values())
			earliest = Math.min(earliest, task.dueAt, task.deadline);
		return earliest;
	}

	/** The reads to make now: every task due (or due within a moment), each as cheaply as it can be read. */
	readsDue(now: number): TaskRead[] {
		const due = new Set(
			[...this.tasks.values()].filter(
				(task) => Math.min(task.dueAt, task.deadline) <= now + SAME_TICK_MS,
			),
		);
		const queued = [...this.tasks.values()].filter((task) => task.state === 'queued');
		const { summaries, few } = this.line.wideLook(
			now,
			queued,
			due,
			(flow, groupScope, count, showsOthers) =>
				this.reads.lookBySummary(flow, groupScope, count, () => this.highestId(), showsOthers),
		);
		const reads = summaries.map((group) => this.groupSummary(group, due));
		for (const task of few) due.add(task);
		if (due.size === 0) return reads;
		for (const read of this.reads.readsFor([...due], () => this.highestId())) {
			if (read.taskIds.some((id) => few.some((task) => task.id === id))) this.wideReads.add(read);
			reads.push(read);
		}
		return reads;
	}

	/** One summary for a group of queued tasks; it covers every task of its flow and group, so none of them is read otherwise. */
	private groupSummary(group: Tracked[], due: Set<Tracked>): TaskRead {
		const { flow, groupScope } = group[0] as Required<Tracked>;
		for (const task of this.tasks.values())
			if (task.flow === flow && task.groupScope === groupScope) due.delete(task);
		const read: TaskRead = { kind: 'summary', name: flow, groupScope, taskIds: [] };
		read.taskIds.push(...group.map((task) => task.id));
		this.wideReads.add(read);
		return read;
	}

	private highestId(): number {
		return Math.max(0, ...this.tasks.keys(), ...this.outcomes.keys());
	}

	/** What a read answered, at `now`; returns the tasks that ended (completed, failed, missing, given up). */
	learn(read: TaskRead, result: ReadResult, now: number, sentAt = now): Ended[] {
		this.reads.learnSizes(read, result);
		const ended: Ended[] = [];
		const news: ReadNews = { started: [], missed: false };
		const ahead = this.ahead();
		// A summary answers for every task of its flow and group, not only the ones due.
		const covered =
			read.kind === 'summary'
				? [...this.tasks.values()]
						.filter((task) => task.flow === read.name && task.groupScope === read.groupScope)
						.map((task) => task.id)
				: read.taskIds;
		for (const taskId of covered) {
			const task = this.tasks.get(taskId);
			if (!task) continue;
			const outcome = this.learnTask(task, read, result.states.get(taskId), now, sentAt, news);
			if (outcome) ended.push(this.end(task, outcome, ahead));
		}
		if (read.kind === 'summary')
			this.line.sawOthers(result.states, now, {
				clock: this.clock,
				pace: this.pace,
				isWaits: (taskId) => this.tasks.has(taskId) || this.outcomes.has(taskId),
			});
		const stillQueued = [...this.tasks.values()].filter((task) => task.state === 'queued');
		if (news.started.length > 0) {
			this.line.started(news.started, stillQueued);
			this.watch?.activity(now);
		} else if (news.missed)
			this.line.missed(now, this.wideReads.has(read), this.schedule, this.pace);
		this.runs.reviseGuessedStarts(this.tasks.values());
		this.workers.count(() => this.runs.estimated(this.tasks.values(), now));
		this.replan(now);
		return ended;
	}

	/** One task's news; the outcome when it ended or the wait gives up on it. */
	private learnTask(
		task: Tracked,
		read: TaskRead,
		news: TaskDetails | null | undefined,
		now: number,
		sentAt: number,
		tick: ReadNews,
	): WaitOutcome | undefined {
		if (news === undefined) {
			// Not in its flow's summary: gone, or moved; its own read tells. Not read at all: no news.
			if (read.kind === 'summary') task.ownRead = true;
			task.dueAt = read.kind === 'summary' ? now : now + this.schedule.minDelayMs;
			return read.kind === 'tasks' && now >= task.deadline ? timeoutOf(task) : undefined;
		}
		task.ownRead = false;
		if (news !== null) this.clock.read(task, news, now);
		task.lastReadAt = now;
		task.lastSentAt = sentAt;
		if (news === null) return { kind: 'missing' };
		const status = taskStatus(news);
		if (task.state === 'queued' && status !== 'queued') tick.started.push(task);
		const silent = status === 'running' && this.watch?.silent(task, news, now);
		if (task.state !== 'running' && status !== 'queued') this.runs.setRunLimit(task, news, now);
		if (status === 'queued' && expectedStarted(task, sentAt)) tick.missed = true;
		task.last = news;
		task.flow = news.name ?? task.flow;
		if (typeof news.group_scope === 'number') task.groupScope = news.group_scope;
		if (typeof news.priority === 'number') task.priority = news.priority;
		if (status === 'completed' || status === 'failed') {
			this.finished(task, news, status, now);
			this.watch?.activity(now);
			return { kind: status, task: news };
		}
		if (status === 'running') this.seenRunning(task, news, now);
		else this.seenQueued(task, now);
		if (silent) return { kind: 'stalled', last: news };
		return now >= task.deadline ? timeoutOf(task) : undefined;
	}

	/** Ends the tasks of flows no connected worker can run that are still queued (version 1.2). */
	learnWorkers(asked: string[], support: ReadonlyMap<string, boolean>, now: number): Ended[] {
		this.watch?.checkedAt(now, asked);
		const ahead = this.ahead();
		const ended = [...this.tasks.values()]
			.filter((task) => task.state === 'queued' && support.get(task.flow ?? '') === false)
			.map((task) =>
				this.end(task, { kind: 'noWorker', flow: task.flow!, last: task.last }, ahead),
			);
		this.replan(now);
		return ended;
	}

	/** The flows to ask about workers now (version 1.2); none: not now. */
	workersCheckDue(now: number): string[] {
		return this.watch?.due(now, this.queuedFlows()) ?? [];
	}

	private queuedFlows(): string[] {
		return [...this.tasks.values()].flatMap((task) =>
			task.state === 'queued' && task.flow !== undefined ? [task.flow] : [],
		);
	}

	/** How many of the wait's tasks are ahead of each queued one: those running, and those the line puts before it. */
	private ahead(): Map<number, number> {
		const all = [...this.tasks.values()];
		const running = all.filter((task) => task.state === 'running').length;
		const queued = all.filter((task) => task.state === 'queued');
		return new Map(this.line.rank(queued).map((task, index) => [task.id, running + index]));
	}

	private end(task: Tracked, outcome: WaitOutcome, ahead: Map<number, number>): Ended {
		if ((outcome.kind === 'timeout' || outcome.kind === 'noWorker') && task.state === 'queued')
			outcome.ahead = ahead.get(task.id);
		this.tasks.delete(task.id);
		this.outcomes.set(task.id, outcome);
		return { taskId: task.id, outcome };
	}

	private finished(
		task: Tracked,
		news: TaskDetails,
		status: 'completed' | 'failed',
		now: number,
	): void {
		const runMs = Math.max(0, news.execution_time) * 1000;
		if (status === 'completed' && runMs > 0 && task.flow !== undefined)
			this.pace.finished(task.flow, runMs);
		this.runs.finished(
			task,
			this.runs.startOf(task, runMs, now, news, this.line.trusted),
			runMs,
			now,
		);
		this.workers.finished(task.id, news, runMs);
	}

	private seenRunning(task: Tracked, news: TaskDetails, now: number): void {
		const reportedMs = Math.max(0, news.execution_time) * 1000;
		const wasOnSpare = task.state === 'queued' && task.onSpareWorker;
		this.workers.running(task.id, news);
		task.startedAt = this.runs.startOf(task, reportedMs, now, news, this.line.trusted);
		// Given to a spare worker, but it started when a known worker became free: no sign of a spare one.
		if (wasOnSpare && this.runs.endedAt(task.startedAt)) this.workers.noSpare = true;
		task.state = 'running';
		task.onSpareWorker = false;
		const flow = task.flow;
		if (flow !== undefined && news.progress >= 1 && reportedMs > 0)
			this.pace.reported(flow, (reportedMs * 100) / news.progress);
		task.dueAt = this.nextLookAtRunning(task, now);
	}

	/** When to read a running task again ({@link FlowPace.nextLook}), within the user's bound and its deadline. */
	private nextLookAtRunning(task: Tracked, now: number): number {
		const at = this.pace.nextLook(task.flow, task.startedAt ?? now, now, this.schedule);
		return Math.min(at, now + this.schedule.maxDelayMs, task.deadline);
	}

	private seenQueued(task: Tracked, now: number): void {
		// The line had given it to a worker the wait was not sure of: there is none.
		if (task.state === 'queued' && task.onSpareWorker) this.workers.noSpare = true;
		task.state = 'queued';
		task.startedAt = undefined;
		task.startRange = undefined;
		task.queuedAt = now;
	}

	private replan(now: number): void {
		this.line.plan(now, [...this.tasks.values()], {
			pace: this.pace,
			workers: this.workers,
			recentEnds: this.runs.recentEnds(),
			schedule: this.schedule,
			nextLookAtRunning: (task, at) => this.nextLookAtRunning(task, at),
		});
	}
}
