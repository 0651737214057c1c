/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/**
 * In-process workers. Each takes the next queued task as the server hands it out (highest
 * priority, then the flow the worker ran last, then the store's queue order), reports progress 10
 * and 55.5 while it "runs", then stores the result files and reports 100, all within
 * `taskDurationMs`. A task that is cancelled, deleted or restarted meanwhile is dropped at once.
 * A worker can disconnect mid-task, as a worker process that dies: its task stays locked with no
 * more reports, and the server counts the worker for the flows list until its window passes.
 * Workers that talk HTTP (`POST /tasks/next` …) are tracked by `WorkerRegistry`.
 */
import type { FlowCatalog, WorkerDevice } from './catalog';
import { generateResults } from './outputs';
import type { TaskRecord, TaskStore } from './state';
import { executionDetailsJson } from './taskView';

export const DEFAULT_FAILURE_MESSAGE =
	'Error occurred when executing KSampler:\n\nAllocation on device 0 would exceed allowed memory. (out of memory)';

/** The device every in-process worker claims to have: a 24 GiB CUDA GPU. */
export const EMULATED_DEVICE: WorkerDevice = { deviceType: 'cuda', vramTotal: 24 * 1024 ** 3 };

/** Progress reports of one run, at fractions of the task duration. */
const STEPS = [
	{ at: 0.1, progress: 10 },
	{ at: 0.5, progress: 55.5 },
	{ at: 1, progress: 100 },
] as const;

export interface PoolSettings {
	readonly taskDurationMs: number;
	readonly outputBytes: number;
	readonly pictureSize: number;
}

interface Job {
	task: TaskRecord;
	timers: NodeJS.Timeout[];
	startedAt: number;
	failure: string | null;
}

interface Slot {
	index: number;
	job: Job | null;
	/** The flow it ran last: the server gives it that flow's tasks first. */
	lastFlow?: string;
	/** When the server last heard from it (ms); while it is connected, now. */
	lastSeen: number;
	/** Disconnected: it takes nothing more and its task, if any, stays locked. */
	gone: boolean;
}

/** How long the server counts a worker it last heard from for `is_supported_by_workers` (Visionatrix: 3 minutes). */
export const WORKER_WINDOW_MS = 3 * 60 * 1000;

function seconds(ms: number): number {
	return Math.round(ms) / 1000;
}

export class WorkerPool {
	private readonly slots: Slot[] = [];
	private size = 0;
	private readonly failures: string[] = [];
	private dispatchScheduled: NodeJS.Immediate | null = null;
	private stopped = false;
	private held = false;

	constructor(
		private readonly store: TaskStore,
		private readonly catalog: FlowCatalog,
		private readonly settings: PoolSettings,
		size: number,
	) {
		this.resize(size);
	}

	get workerCount(): number {
		return this.size;
	}

	/** Worker ids look like the server's: `{user}:{hostname}:[{device}]:{index}`. */
	workerId(slot: number): string {
		return `admin:emulator-worker-${slot + 1}:[EmulatedGPU]:0`;
	}

	resize(size: number): void {
		if (!Number.isInteger(size) || size < 0)
			throw new RangeError(`workers must be a whole number ≥ 0, got ${size}`);
		// Workers let go finish what they run; the server heard from them until now.
		for (const slot of this.connected().slice(size)) slot.lastSeen = Date.now();
		this.size = size;
		while (this.connected().length < size)
			this.slots.push({ index: this.slots.length, job: null, lastSeen: Date.now(), gone: false });
		this.kick();
	}

	/** The workers that are connected, in order; the first `size` of them take tasks. */
	private connected(): Slot[] {
		return this.slots.filter((slot) => !slot.gone);
	}

	/**
	 * A worker disconnects as a process that dies: a busy one if there is one (its task stays
	 * locked, and no report comes again), else an idle one. Returns its task, if it had one.
	 */
	disconnect(): TaskRecord | undefined {
		const active = this.connected().slice(0, this.size);
		const slot = active.find((candidate) => candidate.job) ?? active[active.length - 1];
		if (!slot) throw new RangeError('There is no connected worker to disconnect');
		const task = slot.job?.task;
		for (const timer of slot.job?.timers ?? []) clearTimeout(timer);
		if (!slot.job) slot.lastSeen = Date.now();
		slot.job = null;
		slot.gone = true;
		this.size -= 1;
		return task;
	}

	/** The workers the server would count now: the connected ones, and the others heard from within `windowMs`. */
	seen(windowMs: number, now = Date.now()): number {
		const active = new Set(this.connected().slice(0, this.size));
		return this.slots.filter((slot) => active.has(slot) || now - slot.lastSeen <= windowMs).length;
	}

	/** While held (the server is down), no worker takes a new task; the ones running go on. */
	hold(held: boolean): void {
		this.held = held;
		if (!held) this.kick();
	}

	failNext(count: number, message: string): void {
		for (let i = 0; i < count; i++) this.failures.push(message);
	}

	/** Hands queued tasks to idle workers (soon, not synchronously). */
	kick(): void {
		if (this.stopped || this.dispatchScheduled) return;
		this.dispatchScheduled = setImmediate(() => {
			this.dispatchScheduled = null;
			this.dispatch();
		});
	}

	/** Drops the work on a task that was cancelled, deleted or restarted. */
	abandon(taskId: number): void {
		for (const slot of this.slots) {
			if (slot.job?.task.id === taskId) this.finishJob(slot);
		}
	}

	stop(): void {
		this.stopped = true;
		if (this.dispatchScheduled) clearImmediate(this.dispatchScheduled);
		this.dispatchScheduled = null;
		for (const slot of this.slots) {
			for (const timer of slot.job?.timers ?? []) clearTimeout(timer);
			slot.job = null;
		}
	}

	private dispatch(): void {
		if (this.stopped || this.held) return;
		for (const slot of this.connected().slice(0, this.size)) {
			if (slot.job) continue;
			const task = this.store.lockNext({
				names: this.catalog.flows.map((flow) => flow.info.name),
				lastTaskName: slot.lastFlow,
			});
			if (!task) return;
			slot.lastFlow = task.flow;
			this.startJob(slot, task);
		}
	}

	private startJob(slot: Slot, task: TaskRecord): void {
		const job: Job = {
			task,
			timers: [],
			startedAt: Date.now(),
			failure: this.failures.shift() ?? null,
		};
		slot.job = job;
		const duration = Math.max(0, this.settings.taskDurationMs);
		for (const step of STEPS) {
			job.timers.push(setTimeout(() => this.runStep(slot, job, step.progress), duration * step.at));
		}
	}

	private runStep(slot: Slot, job: Job, progress: number): void {
		const { task } = job;
		if (slot.job !== job || this.store.get(task.id) !== task) return;
		slot.lastSeen = Date.now();
		const workerId = this.workerId(slot.index);
		const elapsed = seconds(Date.now() - job.startedAt);
		if (progress === 55.5 && job.failure !== null) {
			this.store.applyProgress(task, {
				progress,
				executionTime: elapsed,
				error: job.failure,
				workerId,
			});
			this.store.unlock(task);
			this.finishJob(slot);
			return;
		}
		if (progress < 100) {
			this.store.applyProgress(task, { progress, executionTime: elapsed, error: '', workerId });
			return;
		}
		const flow = this.catalog.find(task.flow);
		try {
			if (!flow) throw new Error(`Flow \`${task.flow}\` is not installed.`);
			const missing = this.store.storeResults(task, generateResults(task, flow, this.settings));
			if (missing) throw new Error(`No results found for: ${missing}`);
			this.store.applyProgress(task, {
				progress: 100,
				executionTime: elapsed,
				error: '',
				workerId,
				executionDetails: executionDetailsJson(elapsed),
			});
		} catch (error) {
			this.store.applyProgress(task, {
				progress: task.progress,
				executionTime: elapsed,
				error: `Emulated worker failed: ${(error as Error).message}`,
				workerId,
			});
		}
		this.store.unlock(task);
		this.finishJob(slot);
	}

	private finishJob(slot: Slot): void {
		for (const timer of slot.job?.timers ?? []) clearTimeout(timer);
		slot.job = null;
		this.kick();
	}
}

/** Workers that use the HTTP worker API, as the server remembers them (for flow support). */
export class WorkerRegistry {
	private readonly seen = new Map<string, WorkerDevice & { lastSeen: number }>();

	touch(workerId: string, device: WorkerDevice): void {
		this.seen.set(workerId, { ...device, lastSeen: Date.now() });
	}

	/** Workers seen within the window (the server's: three minutes). */
	active(windowMs = WORKER_WINDOW_MS, now = Date.now()): WorkerDevice[] {
		return [...this.seen.values()].filter((worker) => now - worker.lastSeen <= windowMs);
	}
}
