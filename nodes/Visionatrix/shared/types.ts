/**
 * Shapes of what a Visionatrix server sends and takes (see the recorded exchanges of a 2.7 server).
 * Everything the node reads from the server is typed here, in one place.
 */

export type ApiVersion = 'current' | 'legacy';

/** The credential's data, as n8n hands it to the node. */
export interface VisionatrixCredentials {
	baseUrl: string;
	apiVersion: ApiVersion;
	username?: string;
	password?: string;
}

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

/** The input types that are uploaded as files (or given as another task's output by reference). */
export const FILE_INPUT_TYPES: readonly FlowInputType[] = ['image', 'image-mask', 'video'];

export interface FlowInputParam {
	name: string;
	display_name: string;
	type: FlowInputType;
	optional: boolean;
	advanced: boolean;
	hidden: boolean;
	order: number;
	default?: string | number | boolean;
	translatable?: boolean;
	min?: number;
	max?: number;
	step?: number;
	/** label → key; the server takes the KEY. */
	options?: Record<string, string>;
	source_input_name?: string;
}

/** One entry of `GET {prefix}/flows/installed`. */
export interface InstalledFlow {
	name: string;
	display_name: string;
	description?: string;
	tags?: string[];
	version?: string;
	hidden?: boolean;
	input_params: FlowInputParam[];
	is_seed_supported?: boolean;
	is_count_supported?: boolean;
	is_translations_supported?: boolean;
	/** Whether a worker seen in the last 3 minutes has the memory the flow needs. */
	is_supported_by_workers?: boolean;
}

export type OutputType =
	| 'image'
	| 'image-animated'
	| 'video'
	| 'audio'
	| 'text'
	| '3d-model'
	| string;

export interface TaskOutput {
	comfy_node_id: number;
	type: OutputType;
	/** -1 until the results exist. */
	file_size: number;
	/** -1 until the results exist; then the number of files of this output node. */
	batch_size: number;
}

/** `PUT {prefix}/tasks/create/{flow}` → */
export interface CreateTaskResponse {
	tasks_ids: number[];
	outputs: TaskOutput[];
}

/** `GET {prefix}/tasks/progress/{id}` (and each value of the progress summary, without the large fields). */
export interface TaskDetails {
	task_id: number;
	name: string;
	/** 0 queued, between running, 100 done. */
	progress: number;
	/** Non-empty: the task failed. */
	error: string;
	outputs: TaskOutput[];
	execution_time: number;
	priority?: number;
	group_scope?: number;
	locked_at?: string | null;
	worker_id?: string | null;
	input_params?: Record<string, unknown>;
	flow_comfy?: unknown;
	[key: string]: unknown;
}

/** `GET {prefix}/tasks/progress-summary` → task id (as a string) → details. */
export type ProgressSummary = Record<string, TaskDetails>;

export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed';

/** The server not answering while the node waits (wait/outage.ts). */
export interface Outage {
	/** When the server stopped answering (ms since the epoch). */
	since: number;
	/** The last failure, as the node would report it. */
	failure: Error;
}
