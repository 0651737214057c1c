/** Shapes shared by the bench's processes (orchestrator, emulator host, client). */

/**
 * Which client a scenario measures: (a) the node, (b) the loop users build from n8n's nodes
 * (`loop`; the vendor guide's one-task-at-a-time loop is `guide`), (c) per-task
 * polling as peer nodes do; for the memory rows also the node uploading a file (`node-upload`) and
 * a reference: one task's result fetched with plain `node:http` piped straight into a file, the
 * least a Node.js process can do.
 */
export type ClientKind = 'node' | 'node-upload' | 'guide' | 'loop' | 'peer' | 'stream-ref';

export interface EmulatorSpec {
	taskDurationMs: number;
	workers: number;
	/** Minimum size of every result file (0: the emulator's natural, tiny files); for `node-upload`, of the file uploaded. */
	outputBytes: number;
	/**
	 * Each task runs T·(1 ± jitter), seeded by its id (antithetic pairs: tasks 1 and 2 get +u and
	 * −u, so the mean stays T). 0: exactly T. See emulator-host.ts for why.
	 */
	jitter?: number;
	/** Finished tasks of the bench's user (and some of another) on the server before the run. */
	history?: number;
	/** How the server takes tasks of equal priority (the emulator's `queueOrder`; default oldest first). */
	queueOrder?: 'oldest' | 'newest' | { seed: number };
	/** Another user's tasks, queued just before the client's first task: `priority` above the client's puts them all ahead. */
	others?: { count: number; priority: number };
	/** Reverse proxies in front of the emulator, one per execution, so that each one's requests can be told apart. */
	proxies?: number;
}

/** The shared-server rows: several executions at once, the node's version-1.2 settings, an expected error. */
export interface SharedSpec {
	/** Executions at once, each with n / executions tasks (default 1). */
	executions?: number;
	/** The node's Timeout (seconds); unset: its default. */
	timeoutSeconds?: number;
	/** The run is expected to end with this error (the no-worker row): its message and time are the result. */
	expectError?: boolean;
}

export interface ScenarioSpec {
	/** Stable key, e.g. `node-n50`. */
	id: string;
	/** `throughput` rows go into the main table, `memory` rows into the big-file table, `shared` rows into the shared-server table. */
	group: 'throughput' | 'memory' | 'shared';
	/** For `shared` rows: the row's name (e.g. `behind30`), and how the clients run. */
	row?: string;
	shared?: SharedSpec;
	client: ClientKind;
	/** Tasks (= input items for the node). */
	n: number;
	emulator: EmulatorSpec;
	/** Repetition number (memory rows are run several times, each in a fresh process). */
	rep?: number;
}

/** What the client process measures about itself. */
export interface ClientMeasurement {
	/** ms, from the first request of the scenario to the last byte saved. */
	wallMs: number;
	/** Epoch ms at the start and end of the scenario (to line up with the emulator's log). */
	startedAt: number;
	endedAt: number;
	/** user + system CPU µs of the client process during the scenario. */
	cpuMicros: number;
	rssBaselineBytes: number;
	rssPeakBytes: number;
	rssSamples: number;
	/** The kernel's peak RSS (VmHWM, reset at the start), when /proc allows. */
	rssKernelPeakBytes?: number;
	/** RSS after the scenario and a full GC, minus the baseline (the allocator may keep freed pages). */
	rssAfterGcBytes?: number;
	/** JS heap in use + external memory at the baseline, and after the scenario and a full GC. */
	liveBaselineBytes?: number;
	liveAfterGcBytes?: number;
	/**
	 * When the client was waiting for tasks (epoch ms): the node's Wait for Completion step; each
	 * task's polling loop for the guide (one task at a time); all the polling for the peer client.
	 * Polling ticks are counted within these.
	 */
	waitPhases?: Array<{ from: number; to: number }>;
	/** The node's steps as the engine ran them (epoch ms), by node name. */
	phases?: Record<string, { from: number; to: number }>;
	/** Files the client ended up with and their total size, to check the run did the whole job. */
	files: number;
	bytes: number;
	/** Set when the client failed: the scenario's numbers are then not to be trusted. */
	error?: string;
	/** A run expected to fail (SharedSpec.expectError): the node's error and when it came (ms after the start). */
	nodeError?: { message: string; afterMs: number };
}

/** A request as the emulator logged it, reduced to what the bench needs. */
export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	status: number;
	receivedAt: number;
	finishedAt: number | null;
	/** Body bytes of the answer. */
	responseBytes: number;
	/** ms the emulator spent building the answer. */
	handlingMs: number;
	/** Progress reads only: ms the emulator spends building the same answer when asked again after the run (median of the rounds; see bench.ts). */
	replayedMs?: number;
	/** Which proxy (execution) it came through, when the emulator has proxies. */
	via?: number;
}

export interface TaskTiming {
	id: number;
	state: string;
	/** When a worker took the task (epoch ms). */
	startedAt: number | null;
	/** When the task reached progress 100 on the server (epoch ms); `null` if it never did. */
	completedAt: number | null;
	/** Whose task it is. */
	user: string;
	/** Which execution created it, when the clients say so in their prompts (`exec 2 …`). */
	execution?: number;
}

export interface EmulatorReport {
	prefix: string;
	requests: LoggedRequest[];
	tasks: TaskTiming[];
	/** Peak RSS of the emulator process (for the record: it is not the client's). */
	rssPeakBytes: number;
}

/** Messages between the orchestrator and its children. */
export type HostMessage =
	| { type: 'ready'; url: string; prefix: string; proxyUrls: string[] }
	| { type: 'report'; report: EmulatorReport }
	/** What each progress read of the run cost when asked once more (by index in the report; others undefined). */
	| { type: 'replayed'; costsMs: Array<number | null> }
	| { type: 'error'; message: string };

export type HostCommand = { type: 'report' } | { type: 'replay' } | { type: 'stop' };

export type ClientMessage =
	| { type: 'result'; measurement: ClientMeasurement }
	| { type: 'error'; message: string };

export interface ClientCommand {
	type: 'run';
	scenario: ScenarioSpec;
	/** The emulator the scenario is measured against (fresh, nobody else used it). */
	url: string;
	/** Its proxies, one per execution, when the scenario runs several. */
	proxyUrls: string[];
	/** An emulator for warming the client up first (JIT, lazily loaded modules, connection pools). */
	warmupUrl: string;
}
