/**
 * Task state: the id counter, the task records, their locks and results, and the operations the
 * HTTP routes and the workers (in-process or over HTTP) perform on them.
 */
import { isoTimestamp } from './clock';
import { seededRandom } from './faults';
import type {
	EmulatedTask,
	OutputType,
	ProgressEvent,
	StoredFile,
	TaskOutput,
	TaskState,
} from './types';

/** Engine settings stored with each task (what `POST /tasks/next` hands to workers). */
export const STORED_EXTRA_FLAGS = Object.freeze({
	save_metadata: false,
	smart_memory: true,
	cache_type: 'classic',
	cache_size: 1,
	vae_cpu: false,
	reserve_vram: 0.6,
});

/** Result file extensions the server accepts per output type. */
const EXTENSIONS_BY_OUTPUT_TYPE: Record<OutputType, readonly string[]> = {
	image: [
		'.png',
		'.jpg',
		'.jpeg',
		'.bmp',
		'.tiff',
		'.tif',
		'.svg',
		'.ico',
		'.heif',
		'.heic',
		'.avif',
		'.jp2',
	],
	'image-animated': ['.gif', '.webp'],
	video: ['.mp4', '.avi', '.mkv', '.mov', '.webm', '.m4v', '.mpg', '.mpeg', '.ogv'],
	audio: ['.mp3', '.flac', '.wav'],
	text: ['.txt'],
	'3d-model': ['.glb', '.gltf', '.fbx'],
};

export interface NewTask {
	id: number;
	flow: string;
	userId: string;
	groupScope: number;
	/** 0–15 as sent; stored as `((groupScope - 1) << 4) + priority`. */
	priority: number;
	inputParams: Record<string, string | number>;
	seed: number;
	inputFiles: Array<StoredFile & { param: string }>;
	outputs: Array<{ comfyNodeId: number; type: OutputType }>;
	flowComfy: Record<string, unknown>;
	parentTaskId: number | null;
	parentTaskNodeId: number | null;
	hidden: boolean;
	webhookUrl: string | null;
	webhookHeaders: unknown;
	translate: boolean;
	createdAt: string;
}

export class TaskRecord implements EmulatedTask {
	readonly id: number;
	readonly flow: string;
	readonly userId: string;
	priority: number;
	readonly groupScope: number;
	progress = 0;
	error = '';
	executionTime = 0;
	readonly inputParams: Record<string, string | number>;
	readonly seed: number;
	readonly inputFiles: Array<StoredFile & { param: string }>;
	readonly outputs: TaskOutput[];
	results: Array<StoredFile & { nodeId: number }> = [];
	lockedAt: string | null = null;
	workerId: string | null = null;
	startedAt: number | null = null;
	readonly createdAt: string;
	updatedAt: string | null = null;
	finishedAt: string | null = null;
	readonly parentTaskId: number | null;
	readonly parentTaskNodeId: number | null;
	readonly hidden: boolean;
	readonly webhookUrl: string | null;
	readonly webhookHeaders: unknown;
	readonly translate: boolean;
	readonly progressHistory: ProgressEvent[] = [];
	readonly flowComfy: Record<string, unknown>;
	executionDetails: Record<string, unknown> | null = null;

	constructor(init: NewTask) {
		this.id = init.id;
		this.flow = init.flow;
		this.userId = init.userId;
		this.groupScope = init.groupScope;
		this.priority = storedPriority(init.groupScope, init.priority);
		this.inputParams = init.inputParams;
		this.seed = init.seed;
		this.inputFiles = init.inputFiles;
		this.outputs = init.outputs.map((output) => ({ ...output, fileSize: -1, batchSize: -1 }));
		this.flowComfy = init.flowComfy;
		this.parentTaskId = init.parentTaskId;
		this.parentTaskNodeId = init.parentTaskNodeId;
		this.hidden = init.hidden;
		this.webhookUrl = init.webhookUrl;
		this.webhookHeaders = init.webhookHeaders;
		this.translate = init.translate;
		this.createdAt = init.createdAt;
	}

	get state(): TaskState {
		if (this.error) return 'failed';
		if (this.progress >= 100) return 'completed';
		return this.lockedAt !== null || this.progress > 0 ? 'running' : 'queued';
	}

	/** Result files of one output node, filtered by the extensions its type allows, sorted by name. */
	resultsFor(nodeId: number): Array<StoredFile & { nodeId: number }> {
		const output = this.outputs.find((candidate) => candidate.comfyNodeId === nodeId);
		if (!output) return [];
		const prefix = `${this.id}_${nodeId}_`;
		const extensions = EXTENSIONS_BY_OUTPUT_TYPE[output.type] ?? [];
		return this.results
			.filter((file) => file.fileName.startsWith(prefix))
			.filter((file) =>
				extensions.some((extension) => file.fileName.toLowerCase().endsWith(extension)),
			)
			.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
	}
}

export function storedPriority(groupScope: number, priority: number): number {
	return ((groupScope - 1) << 4) + priority;
}

export interface ProgressReport {
	progress: number;
	executionTime: number;
	error: string;
	workerId: string;
	executionDetails?: Record<string, unknown> | null;
}

export interface TaskQuery {
	userId?: string;
	name?: string;
	/** 0 = every group. */
	groupScope?: number;
	onlyParent?: boolean;
}

/**
 * How the database returns tasks of equal priority (and equal preference for the worker's last
 * flow): Visionatrix orders by those two only (`get_incomplete_task_without_error_query`), so the
 * order among the rest is whatever the query plan gives. SQLite without statistics returns them
 * oldest first, with statistics (the priority index scanned backwards) newest first; PostgreSQL's
 * sort keeps no order among equals. `{ seed }`: a fixed random order per task, drawn from the seed.
 */
export type QueueOrder = 'oldest' | 'newest' | { seed: number };

export interface NextTaskQuery {
	/** Flows the worker can run. */
	names?: readonly string[];
	/** Prefer this flow among tasks of the same priority. */
	lastTaskName?: string;
	/** Only this user's tasks (a non-admin worker). */
	userId?: string;
}

type Listener<T extends unknown[]> = (...args: T) => void;

export class TaskStore {
	/** The server stamps every task with its own start time (a default evaluated once). */
	readonly serverStartedAt = isoTimestamp();
	/** With a random queue order: each task's place among its equals, drawn when it is stored. */
	private readonly ranks = new Map<number, number>();
	private readonly draw?: () => number;

	constructor(private readonly order: QueueOrder = 'oldest') {
		if (typeof order === 'object') this.draw = seededRandom(order.seed);
	}
	private lastId = 0;
	private readonly records = new Map<number, TaskRecord>();
	/** Child task ids by parent id (a summary lists every task's children: no scan per task). */
	private readonly children = new Map<number, Set<number>>();
	private readonly progressListeners: Array<Listener<[TaskRecord, ProgressReport]>> = [];
	private readonly removedListeners: Array<Listener<[TaskRecord]>> = [];
	private readonly queueListeners: Array<Listener<[]>> = [];
	private readonly resetListeners: Array<Listener<[TaskRecord]>> = [];

	onProgress(listener: Listener<[TaskRecord, ProgressReport]>): void {
		this.progressListeners.push(listener);
	}

	onRemoved(listener: Listener<[TaskRecord]>): void {
		this.removedListeners.push(listener);
	}

	/** Called when a task is put back in the queue (its running work, if any, is void). */
	onReset(listener: Listener<[TaskRecord]>): void {
		this.resetListeners.push(listener);
	}

	/** Called whenever a task may have become available to workers. */
	onQueueChanged(listener: Listener<[]>): void {
		this.queueListeners.push(listener);
	}

	/** Takes the next task id; ids are used up even when the creation fails afterwards. */
	reserveId(): number {
		this.lastId += 1;
		return this.lastId;
	}

	insert(init: NewTask): TaskRecord {
		const record = this.add(init);
		this.notifyQueue();
		return record;
	}

	/** Stores a task that already ran (a server's history): no worker is told about it. */
	insertFinished(init: NewTask, finish: (record: TaskRecord) => void): TaskRecord {
		const record = this.add(init);
		finish(record);
		return record;
	}

	private add(init: NewTask): TaskRecord {
		const record = new TaskRecord(init);
		this.lastId = Math.max(this.lastId, record.id);
		this.records.set(record.id, record);
		if (this.draw) this.ranks.set(record.id, this.draw());
		if (record.parentTaskId !== null) {
			const siblings = this.children.get(record.parentTaskId) ?? new Set<number>();
			siblings.add(record.id);
			this.children.set(record.parentTaskId, siblings);
		}
		return record;
	}

	get(id: number): TaskRecord | undefined {
		return this.records.get(id);
	}

	/** The task if it belongs to `userId` (progress and results only ever show the caller's tasks). */
	getOwned(id: number, userId: string): TaskRecord | undefined {
		const record = this.records.get(id);
		return record && record.userId === userId ? record : undefined;
	}

	all(): TaskRecord[] {
		return [...this.records.values()].sort((a, b) => a.id - b.id);
	}

	query(filter: TaskQuery): TaskRecord[] {
		return this.all().filter(
			(task) =>
				(filter.userId === undefined || task.userId === filter.userId) &&
				(filter.name === undefined || task.flow === filter.name) &&
				(!filter.onlyParent || !task.parentTaskId) &&
				(!filter.groupScope || task.groupScope === filter.groupScope),
		);
	}

	childrenOf(id: number): TaskRecord[] {
		const ids = this.children.get(id);
		if (!ids) return [];
		return [...ids].sort((a, b) => a - b).map((child) => this.records.get(child)!);
	}

	/** The task and all its descendants' ids. */
	withDescendants(id: number): number[] {
		const ids = [id];
		for (const child of this.childrenOf(id)) ids.push(...this.withDescendants(child.id));
		return ids;
	}

	remove(ids: readonly number[]): void {
		for (const id of ids) {
			const record = this.records.get(id);
			if (!record) continue;
			this.records.delete(id);
			if (record.parentTaskId !== null) this.children.get(record.parentTaskId)?.delete(id);
			for (const listener of this.removedListeners) listener(record);
		}
	}

	/** Locks and returns the next runnable task: highest priority first, then the flow the worker ran last, then the queue order. */
	lockNext(query: NextTaskQuery = {}): TaskRecord | undefined {
		const candidates = this.all().filter(
			(task) =>
				task.error === '' &&
				task.progress !== 100 &&
				task.lockedAt === null &&
				(query.names === undefined || query.names.includes(task.flow)) &&
				(query.userId === undefined || task.userId === query.userId),
		);
		const preferred =
			query.lastTaskName && query.names?.includes(query.lastTaskName) ? query.lastTaskName : null;
		candidates.sort(
			(a, b) =>
				b.priority - a.priority ||
				Number(b.flow === preferred) - Number(a.flow === preferred) ||
				this.tieOrder(a, b),
		);
		const task = candidates[0];
		if (task) {
			task.lockedAt = isoTimestamp();
			task.startedAt ??= Date.now();
		}
		return task;
	}

	private tieOrder(a: TaskRecord, b: TaskRecord): number {
		if (this.order === 'newest') return b.id - a.id;
		if (this.order === 'oldest') return a.id - b.id;
		return this.ranks.get(a.id)! - this.ranks.get(b.id)!;
	}

	unlock(task: TaskRecord): void {
		task.lockedAt = null;
		this.notifyQueue();
	}

	applyProgress(task: TaskRecord, report: ProgressReport): void {
		const now = isoTimestamp();
		task.progress = report.progress;
		task.error = report.error;
		task.executionTime = report.executionTime;
		task.updatedAt = now;
		task.workerId = report.workerId;
		if (report.progress === 100) {
			task.finishedAt = now;
			if (report.executionDetails) task.executionDetails = report.executionDetails;
		}
		task.progressHistory.push({
			progress: report.progress,
			error: report.error,
			executionTime: report.executionTime,
			at: Date.now(),
		});
		for (const listener of this.progressListeners) listener(task, report);
	}

	/**
	 * Stores uploaded result files. Every output node must get at least one file named
	 * `{task_id}_{node_id}_…`; returns the first prefix without files, or null when stored.
	 */
	storeResults(task: TaskRecord, files: readonly StoredFile[]): string | null {
		const perNode = new Map<number, StoredFile[]>();
		for (const output of task.outputs) {
			const prefix = `${task.id}_${output.comfyNodeId}_`;
			const mine = files.filter((file) => file.fileName.startsWith(prefix));
			if (mine.length === 0) return prefix;
			perNode.set(output.comfyNodeId, mine);
		}
		for (const output of task.outputs) {
			const mine = perNode.get(output.comfyNodeId)!;
			for (const file of mine) {
				task.results = task.results.filter((existing) => existing.fileName !== file.fileName);
				task.results.push({ ...file, nodeId: output.comfyNodeId });
			}
			output.fileSize = mine.reduce((sum, file) => sum + file.data.length, 0);
			output.batchSize = mine.length;
		}
		return null;
	}

	/** Puts a failed (or, forced, an unfinished) task back in the queue. */
	restart(task: TaskRecord): void {
		task.progress = 0;
		task.error = '';
		task.executionTime = 0;
		task.updatedAt = isoTimestamp();
		task.workerId = null;
		task.lockedAt = null;
		for (const listener of this.resetListeners) listener(task);
		this.notifyQueue();
	}

	setPriority(task: TaskRecord, priority: number): void {
		task.priority = storedPriority(task.groupScope, priority);
		this.notifyQueue();
	}

	notifyQueue(): void {
		for (const listener of this.queueListeners) listener();
	}
}
