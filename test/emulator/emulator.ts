/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** `startEmulator`: wires state, workers, webhooks and routes to a `node:http` server. */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

import { FlowCatalog, type WorkerDevice } from './catalog';
import { builtInFlows } from './flows';
import { normalizeHistory, seedHistory } from './history';
import { handleRequest, type PipelineHost } from './http/pipeline';
import { Router } from './http/router';
import { registerCreateRoute } from './routes/create';
import { registerInfoRoutes } from './routes/info';
import type { Services } from './routes/services';
import { registerTaskRoutes } from './routes/tasks';
import { registerWorkerRoutes } from './routes/worker';
import { TaskStore } from './state';
import type {
	EmulatedTask,
	EmulatorOptions,
	EmulatorUser,
	LiveSettings,
	QueuedTasks,
	RecordedRequest,
	RequestInterceptor,
	VisionatrixEmulator,
	WebhookDelivery,
} from './types';
import { DEFAULT_USERS, UserDirectory } from './users';
import { WebhookSender, type WebhookCall } from './webhook';
import {
	DEFAULT_FAILURE_MESSAGE,
	EMULATED_DEVICE,
	WORKER_WINDOW_MS,
	WorkerPool,
	WorkerRegistry,
} from './workers';
import { queueTasksAs } from './queue';

export const DEFAULT_TASK_DURATION_MS = 300;
export const HOST = '127.0.0.1';

interface Settings {
	apiVersion: 'current' | 'legacy';
	auth: boolean;
	taskDurationMs: number;
	workers: number;
	outputBytes: number;
	pictureSize: number;
}

function checkSettings(settings: Partial<LiveSettings>): void {
	if (
		settings.apiVersion !== undefined &&
		settings.apiVersion !== 'current' &&
		settings.apiVersion !== 'legacy'
	) {
		throw new RangeError(
			`apiVersion must be 'current' or 'legacy', got ${String(settings.apiVersion)}`,
		);
	}
	for (const key of ['taskDurationMs', 'workers', 'outputBytes'] as const) {
		const value = settings[key];
		if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
			throw new RangeError(`${key} must be a number ≥ 0, got ${value}`);
		}
	}
	if (settings.workers !== undefined && !Number.isInteger(settings.workers)) {
		throw new RangeError(`workers must be a whole number, got ${settings.workers}`);
	}
}

class Emulator implements VisionatrixEmulator {
	private readonly settings: Settings;
	private readonly store: TaskStore;
	private readonly catalog: FlowCatalog;
	private readonly users: UserDirectory;
	private readonly pool: WorkerPool;
	private readonly registry = new WorkerRegistry();
	private readonly webhooks = new WebhookSender();
	private readonly router = new Router();
	private readonly log: RecordedRequest[] = [];
	private readonly interceptors: RequestInterceptor[];
	private readonly sockets = new Set<Socket>();
	private readonly server: Server;
	private readonly waiters = new Set<NodeJS.Timeout>();
	private port = 0;
	private stopped = false;
	/** How long a worker counts for the flows list after the server last heard from it. */
	private readonly workerWindowMs: number;
	private readonly userList: readonly EmulatorUser[];
	private down = false;
	private readonly heldWebhooks = new Map<
		number,
		{
			url: string;
			headers: EmulatedTask['webhookHeaders'];
			notice: Parameters<WebhookSender['send']>[2];
		}
	>();

	constructor(options: EmulatorOptions) {
		checkSettings(options);
		this.settings = {
			apiVersion: options.apiVersion ?? 'current',
			auth: options.auth ?? true,
			taskDurationMs: options.taskDurationMs ?? DEFAULT_TASK_DURATION_MS,
			workers: options.workers ?? 1,
			outputBytes: options.outputBytes ?? 0,
			pictureSize: options.pictureSize ?? 64,
		};
		this.store = new TaskStore(options.queueOrder);
		this.workerWindowMs = options.workerWindowMs ?? WORKER_WINDOW_MS;
		this.userList = options.users ?? DEFAULT_USERS;
		if (!Number.isInteger(this.settings.pictureSize) || this.settings.pictureSize < 16)
			throw new RangeError(`pictureSize must be a whole number ≥ 16, got ${options.pictureSize}`);
		this.users = new UserDirectory(options.users ?? DEFAULT_USERS);
		this.catalog = new FlowCatalog(options.flows ?? builtInFlows);
		this.interceptors = [...(options.interceptors ?? [])];
		const users = options.users ?? DEFAULT_USERS;
		seedHistory(
			this.store,
			this.catalog,
			normalizeHistory(
				options.history,
				this.users.usernames,
				new Set(users.filter((u) => u.isAdmin).map((u) => u.username)),
			),
		);
		this.pool = new WorkerPool(this.store, this.catalog, this.settings, this.settings.workers);

		this.store.onProgress((task, report) => {
			if (task.webhookUrl) {
				const notice = {
					taskId: task.id,
					progress: report.progress,
					executionTime: report.executionTime,
					error: report.error,
				};
				// A server that is down sends nothing; the worker's last report reaches it once it is back.
				if (this.down)
					this.heldWebhooks.set(task.id, {
						url: task.webhookUrl,
						headers: task.webhookHeaders,
						notice,
					});
				else this.webhooks.send(task.webhookUrl, task.webhookHeaders, notice);
			}
		});
		this.store.onRemoved((task) => this.pool.abandon(task.id));
		this.store.onReset((task) => this.pool.abandon(task.id));
		this.store.onQueueChanged(() => this.pool.kick());

		const services: Services = {
			store: this.store,
			catalog: this.catalog,
			pool: this.pool,
			registry: this.registry,
			availableWorkers: (): WorkerDevice[] => [
				...Array.from({ length: this.pool.seen(this.workerWindowMs) }, () => EMULATED_DEVICE),
				...this.registry.active(this.workerWindowMs),
			],
		};
		registerInfoRoutes(this.router, services);
		registerCreateRoute(this.router, services);
		registerTaskRoutes(this.router, services);
		registerWorkerRoutes(this.router, services);

		const settings = this.settings;
		const host: PipelineHost = {
			get auth() {
				return settings.auth;
			},
			get prefix() {
				return settings.apiVersion === 'legacy' ? '/api' : '/vapi';
			},
			users: this.users,
			router: this.router,
			requests: this.log,
			interceptors: this.interceptors,
			reportInternalError: (error) => {
				process.stderr.write(
					`[visionatrix-emulator] unexpected error: ${(error as Error)?.stack ?? String(error)}\n`,
				);
			},
		};
		this.server = createServer((request, response) => {
			void handleRequest(host, request, response);
		});
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	async listen(port: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, HOST, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address();
		this.port = typeof address === 'object' && address ? address.port : port;
	}

	get url(): string {
		return `http://${HOST}:${this.port}`;
	}

	get prefix(): '/vapi' | '/api' {
		return this.settings.apiVersion === 'legacy' ? '/api' : '/vapi';
	}

	configure(changes: Partial<LiveSettings>): void {
		checkSettings(changes);
		if (changes.auth !== undefined) this.settings.auth = changes.auth;
		if (changes.apiVersion !== undefined) this.settings.apiVersion = changes.apiVersion;
		if (changes.taskDurationMs !== undefined) this.settings.taskDurationMs = changes.taskDurationMs;
		if (changes.outputBytes !== undefined) this.settings.outputBytes = changes.outputBytes;
		if (changes.workers !== undefined) {
			this.settings.workers = changes.workers;
			this.pool.resize(changes.workers);
		}
	}

	failNextTasks(count: number, error: string = DEFAULT_FAILURE_MESSAGE): void {
		if (!Number.isInteger(count) || count < 0)
			throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
		this.pool.failNext(count, error);
	}

	failTask(id: number, error: string = DEFAULT_FAILURE_MESSAGE): EmulatedTask {
		const task = this.store.get(id);
		if (!task) throw new RangeError(`There is no task ${id}`);
		if (task.state === 'completed' || task.state === 'failed')
			throw new RangeError(`Task ${id} is already ${task.state}`);
		if (!error) throw new RangeError('A failed task needs an error message');
		this.pool.abandon(id);
		const executionTime =
			task.startedAt === null ? 0 : Math.round(Date.now() - task.startedAt) / 1000;
		this.store.applyProgress(task, {
			progress: task.progress,
			executionTime,
			error,
			workerId: task.workerId ?? this.pool.workerId(0),
		});
		this.store.unlock(task);
		return task;
	}

	disconnectWorker(): EmulatedTask | undefined {
		this.settings.workers = Math.max(0, this.settings.workers - 1);
		return this.pool.disconnect();
	}

	async queueTasks(tasks: QueuedTasks): Promise<number[]> {
		return await queueTasksAs(
			`${this.url}${this.prefix}`,
			this.userList,
			this.settings.auth,
			tasks,
		);
	}

	deleteTask(id: number): boolean {
		if (!this.store.get(id)) return false;
		this.store.remove(this.store.withDescendants(id));
		return true;
	}

	dropWebhookCalls(rule: (call: WebhookCall) => boolean): () => void {
		return this.webhooks.dropWhen(rule);
	}

	intercept(interceptor: RequestInterceptor): () => void {
		this.interceptors.push(interceptor);
		return () => {
			const index = this.interceptors.indexOf(interceptor);
			if (index >= 0) this.interceptors.splice(index, 1);
		};
	}

	get requests(): ReadonlyArray<RecordedRequest> {
		return this.log;
	}

	clearRequests(): void {
		this.log.length = 0;
	}

	get webhookDeliveries(): ReadonlyArray<WebhookDelivery> {
		return this.webhooks.deliveries;
	}

	task(id: number): EmulatedTask | undefined {
		return this.store.get(id);
	}

	get tasks(): ReadonlyArray<EmulatedTask> {
		return this.store.all();
	}

	waitForTask(id: number, timeoutMs = 10_000): Promise<EmulatedTask> {
		const deadline = Date.now() + timeoutMs;
		return new Promise((resolve, reject) => {
			const check = (): void => {
				const task = this.store.get(id);
				if (task && (task.state === 'completed' || task.state === 'failed')) {
					resolve(task);
					return;
				}
				if (!task) return reject(new Error(`Task ${id} does not exist (any more)`));
				if (this.stopped) return reject(new Error('The emulator was stopped'));
				if (Date.now() > deadline)
					return reject(new Error(`Task ${id} is still ${task.state} after ${timeoutMs} ms`));
				const timer = setTimeout(() => {
					this.waiters.delete(timer);
					check();
				}, 10);
				this.waiters.add(timer);
			};
			check();
		});
	}

	/** Closes the listening socket and every connection, as a server that goes down: new connections are refused. */
	private async closeServer(): Promise<void> {
		const closed = new Promise<void>((resolve) =>
			this.server.listening ? this.server.close(() => resolve()) : resolve(),
		);
		for (const socket of this.sockets) socket.destroy();
		this.server.closeAllConnections();
		await closed;
	}

	get serving(): boolean {
		return !this.down && !this.stopped;
	}

	async stopServing(): Promise<void> {
		if (this.down || this.stopped) return;
		this.down = true;
		this.pool.hold(true);
		await this.closeServer();
	}

	async serveAgain(): Promise<void> {
		if (!this.down || this.stopped) return;
		await this.listen(this.port);
		this.down = false;
		this.pool.hold(false);
		for (const { url, headers, notice } of this.heldWebhooks.values())
			this.webhooks.send(url, headers, notice);
		this.heldWebhooks.clear();
	}

	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		this.pool.stop();
		this.webhooks.stop();
		for (const timer of this.waiters) clearTimeout(timer);
		this.waiters.clear();
		await this.closeServer();
	}
}

/** Starts an emulated Visionatrix server on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<VisionatrixEmulator> {
	const emulator = new Emulator(options);
	await emulator.listen(options.port ?? 0);
	return emulator;
}
