/**
 * Public types of the Visionatrix emulator. Wire-format objects (flows, task details) keep the
 * server's snake_case names; the emulator's own API uses camelCase.
 */

export type ApiVersion = 'current' | 'legacy';

export interface EmulatorUser {
	username: string;
	password: string;
	isAdmin?: boolean;
	fullName?: string;
	email?: string;
}

export interface EmulatorOptions {
	/** `current`: routes under `/vapi` (2.x servers); `legacy`: routes under `/api` (1.5–1.6). Default `current`. */
	apiVersion?: ApiVersion;
	/** HTTP Basic auth enforced (default true). When false every caller is the built-in admin. */
	auth?: boolean;
	/** Default: `admin`/`admin` (admin) and `alice`/`alice`. */
	users?: EmulatorUser[];
	/** Time an in-process worker spends on one task, default 300 ms. */
	taskDurationMs?: number;
	/** Number of in-process workers, default 1. 0 leaves every task queued (a paused server). */
	workers?: number;
	/** Installed flows, default `builtInFlows`. */
	flows?: EmulatedFlow[];
	/** Default 0: a free port. The host is always 127.0.0.1. */
	port?: number;
	/** Minimum size in bytes of every generated result file (padding inside the format). */
	outputBytes?: number;
	/** Width and height of generated pictures, default 64 (a real server's are 1024: the tests keep them small). */
	pictureSize?: number;
	/** Hooks that run for every request before authentication, e.g. to inject faults. */
	interceptors?: RequestInterceptor[];
	/**
	 * Finished tasks present before anything else (ids 1…N), as on a server that has run for
	 * months: several flows and group scopes, some of other users. A number: that many tasks of
	 * `alice` (or the first user that is not an admin).
	 */
	history?: number | HistoryOptions;
	/**
	 * How tasks of equal priority (and equal preference for a worker's last flow) come out of the
	 * queue: `oldest` first (default; SQLite without statistics), `newest` first (SQLite once its
	 * statistics exist), or `{ seed }`: a fixed random order (PostgreSQL keeps none). Never a promise.
	 */
	queueOrder?: 'oldest' | 'newest' | { seed: number };
	/** How long a worker counts for `is_supported_by_workers` after the server last heard from it; default 180 000 ms, the server's. */
	workerWindowMs?: number;
}

export interface HistoryOptions {
	/** How many finished tasks. */
	tasks: number;
	/** Whose they mostly are (a fifth go to another user, when there is one). */
	user?: string;
}

export type LiveSettings = Pick<
	EmulatorOptions,
	'auth' | 'taskDurationMs' | 'workers' | 'apiVersion' | 'outputBytes'
>;

export type RecordedFormField =
	| { name: string; value: string }
	| { name: string; filename: string; contentType: string; size: number };

export interface RecordedRequest {
	method: string;
	/** Path without the query string, prefix included (`/vapi/tasks/progress/1`). */
	path: string;
	query: Record<string, string>;
	/** The authenticated user; `null` when the request was not authenticated. */
	authUser: string | null;
	/** The user named in the Authorization header, valid or not. */
	claimedUser: string | null;
	headers: Record<string, string>;
	formFields: RecordedFormField[];
	jsonBody?: unknown;
	/** Response status; 0 while the request is still being handled (or when the socket was dropped). */
	status: number;
	/** Set when a `truncate` interceptor action cut the answer: the body bytes sent before the connection was dropped. */
	truncatedAt?: number;
	receivedAt: number;
	finishedAt: number | null;
	/** Body bytes of the answer as sent (0 for none; cut answers: the bytes sent before the drop). */
	responseBytes: number;
	/** Milliseconds the route ran to build the answer (its CPU time, at most its wall clock; the route's work, JSON included; 0 when no route ran). */
	handlingMs: number;
}

export interface WebhookDelivery {
	taskId: number;
	url: string;
	headers: Record<string, string>;
	body: { task_id: number; progress: number; execution_time: number; error: string };
	sentAt: number;
	/** HTTP status of the receiver's answer, `null` if the call failed. */
	status: number | null;
	/** Why the call failed (connection refused, timeout, …); `null` on an answer. */
	failure: string | null;
}

// ---------------------------------------------------------------------------------------------
// Request interceptors (fault injection)

export interface InterceptedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: Buffer;
}

export interface InterceptorReply {
	status: number;
	headers?: Record<string, string>;
	/** A string or Buffer is sent as is; anything else as JSON. */
	body?: unknown;
}

export type InterceptorAction =
	/** Answer with this instead of the emulated server. */
	| { reply: InterceptorReply }
	/** Drop the connection without an answer. */
	| { destroy: true }
	/** Wait, then go on with the next interceptor and the normal handling. */
	| { delayMs: number }
	/**
	 * Go on with the next interceptor and the normal handling, but send only the first `keepBytes`
	 * bytes of the answer's body (after its real headers, full Content-Length included), then drop
	 * the connection: a download that breaks off. `keepBytes: 0` is a request the server acted on
	 * whose answer was lost. An answer without a longer body is sent whole.
	 */
	| { truncate: { keepBytes: number } };

export type RequestInterceptor = (
	request: InterceptedRequest,
) => InterceptorAction | void | Promise<InterceptorAction | void>;

// ---------------------------------------------------------------------------------------------
// Flows

export type FlowInputType =
	| 'text'
	| 'number'
	| 'list'
	| 'bool'
	| 'range'
	| 'range_scale'
	| 'image'
	| 'image-mask'
	| 'video';

export const FILE_INPUT_TYPES: ReadonlySet<string> = new Set(['image', 'image-mask', 'video']);
export const TEXT_INPUT_TYPES: ReadonlySet<string> = new Set([
	'text',
	'number',
	'list',
	'bool',
	'range',
	'range_scale',
]);

export interface FlowInputParam {
	name: string;
	display_name: string;
	optional: boolean;
	advanced: boolean;
	order: number;
	hidden: boolean;
	translatable: boolean;
	type: FlowInputType;
	default: string | number | boolean;
	comfy_node_id: Record<string, string[]>;
	options?: Record<string, string>;
	min?: number;
	max?: number;
	step?: number;
	source_input_name?: string;
	[key: string]: unknown;
}

/** A flow as `GET /flows/installed` lists it (`is_supported_by_workers` is computed when served). */
export interface FlowInfo {
	name: string;
	display_name: string;
	description: string;
	input_params: FlowInputParam[];
	is_seed_supported: boolean;
	is_count_supported: boolean;
	is_translations_supported: boolean;
	is_macos_supported: boolean;
	required_memory_gb: number;
	hidden: boolean;
	[key: string]: unknown;
}

export type OutputType = 'image' | 'image-animated' | 'video' | 'audio' | 'text' | '3d-model';

export type BuiltInGenerator =
	| 'prompt-image'
	| 'background-removal'
	| 'tone-audio'
	| 'animated-webp'
	| 'webm-video'
	| 'glb-model'
	| 'text-answer';

export interface GeneratorInput {
	taskId: number;
	nodeId: number;
	flow: string;
	/** The task's text inputs as sent (strings), plus `seed`. */
	inputParams: Record<string, string | number>;
	/** The seed the task runs with (the sent one, or a random one). */
	seed: number;
	/** Input files by flow parameter name. */
	inputFiles: ReadonlyMap<string, { fileName: string; data: Buffer }>;
	/** Pictures an image output makes: the flow's `batch_size` as sent, else its default, else 1. */
	batchSize: number;
	/** Minimum size of each produced file (0 = natural size). */
	minBytes: number;
	/** Width and height of a generated picture. */
	pictureSize: number;
}

export interface GeneratedFile {
	/** With the dot: `.png`. */
	extension: string;
	data: Buffer;
}

export type OutputGenerator = (input: GeneratorInput) => GeneratedFile[];

export interface EmulatedFlowOutput {
	comfy_node_id: number;
	type: OutputType;
	/** How result files are made: a built-in generator's name, or a function. */
	generator: BuiltInGenerator | OutputGenerator;
	/** Minimum size of each file of this output; overrides the emulator's `outputBytes`. */
	outputBytes?: number;
}

export interface EmulatedFlow {
	info: FlowInfo;
	outputs: EmulatedFlowOutput[];
	/**
	 * A small ComfyUI graph shown as the task's `flow_comfy`. String values may hold placeholders:
	 * a value that is exactly `{{seed}}` becomes the task's seed (a number); `{{task_id}}` and
	 * `{{input:<param>}}` (the stored input file name) are replaced inside strings.
	 */
	comfyGraph: Record<string, unknown>;
	/**
	 * How many bytes the real flow's graph has beyond `comfyGraph`, for a task without text inputs
	 * or seed: the task's `flow_comfy` gets a filler node that makes it as large as the real one
	 * (which also carries each text input and the seed). Unset: no filler.
	 */
	comfyGraphBytes?: number;
	/**
	 * The number inputs ComfyUI reads as INT (the flow's `VixUiRangeInt` nodes); the others are
	 * FLOAT. A value that does not convert fails the create with ComfyUI's validation error (400).
	 * Unset: those whose step is a whole number.
	 */
	integerInputs?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Tasks

export type TaskState = 'queued' | 'running' | 'completed' | 'failed';

export interface StoredFile {
	fileName: string;
	data: Buffer;
}

export interface TaskOutput {
	comfyNodeId: number;
	type: OutputType;
	/** -1 until results exist. */
	fileSize: number;
	batchSize: number;
}

export interface ProgressEvent {
	progress: number;
	error: string;
	executionTime: number;
	at: number;
}

/** A task as the emulator holds it (read-only view for assertions). */
export interface EmulatedTask {
	readonly id: number;
	readonly flow: string;
	readonly userId: string;
	readonly state: TaskState;
	/** As stored: `((group_scope - 1) << 4) + priority`. */
	readonly priority: number;
	readonly groupScope: number;
	readonly progress: number;
	readonly error: string;
	readonly executionTime: number;
	readonly inputParams: Readonly<Record<string, string | number>>;
	readonly seed: number;
	readonly inputFiles: ReadonlyArray<StoredFile & { param: string }>;
	readonly outputs: ReadonlyArray<Readonly<TaskOutput>>;
	readonly results: ReadonlyArray<StoredFile & { nodeId: number }>;
	readonly lockedAt: string | null;
	readonly workerId: string | null;
	/** When a worker first took the task (ms since epoch). */
	readonly startedAt: number | null;
	readonly createdAt: string;
	readonly updatedAt: string | null;
	readonly finishedAt: string | null;
	readonly parentTaskId: number | null;
	readonly parentTaskNodeId: number | null;
	readonly hidden: boolean;
	readonly webhookUrl: string | null;
	readonly webhookHeaders: unknown;
	readonly translate: boolean;
	readonly progressHistory: ReadonlyArray<ProgressEvent>;
}

export interface VisionatrixEmulator {
	/** `http://127.0.0.1:PORT`, without the prefix. */
	readonly url: string;
	readonly prefix: '/vapi' | '/api';
	configure(changes: Partial<LiveSettings>): void;
	/** The next `count` tasks a worker starts fail at progress 55.5 with `error`. */
	failNextTasks(count: number, error?: string): void;
	/**
	 * Makes an unfinished task fail now with `error` (default `DEFAULT_FAILURE_MESSAGE`), as a
	 * worker's error report would: its progress stays, its run stops, a webhook is sent.
	 */
	failTask(id: number, error?: string): EmulatedTask;
	/**
	 * One worker disconnects as a worker process that dies: a busy one if there is one, whose task
	 * stays locked (running) with no more reports, else an idle one. The flows list counts it for
	 * the worker window after the server last heard from it. Returns its task, if it had one.
	 */
	disconnectWorker(): EmulatedTask | undefined;
	/**
	 * Queues tasks as another user (one of `users`) would, now: other people's work on a shared
	 * server, invisible to the user a test runs as. Their ids.
	 */
	queueTasks(tasks: QueuedTasks): Promise<number[]>;
	/** Deletes a task with its child tasks and files, as `DELETE /tasks/task` does; false if there was none. */
	deleteTask(id: number): boolean;
	/**
	 * Webhook calls matching `rule` are recorded in `webhookDeliveries` (with `failure` set) but
	 * never sent: a call lost on the way, which the real server does not retry. Returns a function
	 * that removes the rule.
	 */
	dropWebhookCalls(
		rule: (call: { taskId: number; progress: number; error: string; url: string }) => boolean,
	): () => void;
	/** Adds a request interceptor; returns a function that removes it. */
	intercept(interceptor: RequestInterceptor): () => void;
	readonly requests: ReadonlyArray<RecordedRequest>;
	clearRequests(): void;
	readonly webhookDeliveries: ReadonlyArray<WebhookDelivery>;
	task(id: number): EmulatedTask | undefined;
	readonly tasks: ReadonlyArray<EmulatedTask>;
	/** Resolves when the task is completed or failed (or rejects after `timeoutMs`, default 10 s). */
	waitForTask(id: number, timeoutMs?: number): Promise<EmulatedTask>;
	/**
	 * The server goes down, as for a restart: its port refuses connections, open ones drop. Its tasks
	 * are kept; running ones go on (as separate workers would), queued ones wait, webhook calls are
	 * held until `serveAgain` (the worker's last report reaches the server once it is back).
	 */
	stopServing(): Promise<void>;
	/** The server is back on the same port with the same tasks; workers take queued tasks again. */
	serveAgain(): Promise<void>;
	/** False between `stopServing` and `serveAgain`. */
	readonly serving: boolean;
	stop(): Promise<void>;
}

/** Tasks another user queues on a shared server (`queueTasks`). */
export interface QueuedTasks {
	/** Whose tasks: one of the emulator's users. */
	user: string;
	count: number;
	/** Default `sdxl_lighting`. */
	flow?: string;
	/** 0–15, as sent (default 0); higher is taken first. */
	priority?: number;
	/** Default 1. */
	groupScope?: number;
	/** The flow's inputs; default a prompt, which `sdxl_lighting` needs. */
	inputs?: Record<string, string>;
}
