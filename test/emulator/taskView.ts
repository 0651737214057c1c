/** Task records rendered as the server's JSON objects (key order as the server sends them). */
import { STORED_EXTRA_FLAGS, type TaskRecord, type TaskStore } from './state';

function extraFlags(): Record<string, unknown> {
	return {
		profiler_execution: false,
		unload_models: false,
		federated_task: false,
		...STORED_EXTRA_FLAGS,
	};
}

function outputsJson(task: TaskRecord): Array<Record<string, unknown>> {
	return task.outputs.map((output) => ({
		comfy_node_id: output.comfyNodeId,
		type: output.type,
		file_size: output.fileSize,
		batch_size: output.batchSize,
	}));
}

function inputFilesJson(task: TaskRecord): Array<Record<string, unknown>> {
	return task.inputFiles.map((file) => ({ file_name: file.fileName, file_size: file.data.length }));
}

/** `TaskDetailsShort`: what `/tasks/progress-summary` and `child_tasks` carry. */
export function taskSummaryJson(task: TaskRecord, store: TaskStore): Record<string, unknown> {
	return {
		task_id: task.id,
		priority: task.priority,
		progress: task.progress,
		error: task.error,
		name: task.flow,
		input_params: task.inputParams,
		outputs: outputsJson(task),
		input_files: inputFilesJson(task),
		locked_at: task.lockedAt,
		worker_id: task.workerId,
		execution_time: task.executionTime,
		group_scope: task.groupScope,
		parent_task_id: task.parentTaskId,
		parent_task_node_id: task.parentTaskNodeId,
		child_tasks: store.childrenOf(task.id).map((child) => taskSummaryJson(child, store)),
		translated_input_params: null,
		extra_flags: extraFlags(),
		hidden: task.hidden,
	};
}

/** `TaskDetails`: what `/tasks/progress/{id}` and `/tasks/progress` carry. */
export function taskDetailsJson(task: TaskRecord, store: TaskStore): Record<string, unknown> {
	return {
		...taskSummaryJson(task, store),
		created_at: task.createdAt,
		updated_at: task.updatedAt,
		finished_at: task.finishedAt,
		flow_comfy: task.flowComfy,
		user_id: task.userId,
		webhook_url: task.webhookUrl,
		webhook_headers: task.webhookHeaders ?? null,
		execution_details: task.executionDetails,
		custom_worker: null,
	};
}

/** What `POST /tasks/next` hands a worker. */
export function workerTaskJson(task: TaskRecord): Record<string, unknown> {
	return {
		task_id: task.id,
		progress: 0,
		error: task.error,
		name: task.flow,
		input_params: task.inputParams,
		outputs: outputsJson(task),
		input_files: inputFilesJson(task),
		flow_comfy: task.flowComfy,
		user_id: task.userId,
		execution_time: 0,
		webhook_url: task.webhookUrl,
		webhook_headers: task.webhookHeaders ?? null,
		extra_flags: { ...STORED_EXTRA_FLAGS },
		translated_input_params: null,
	};
}

/** The `execution_details` a worker reports with progress 100. */
export function executionDetailsJson(nodesExecutionTime: number | null): Record<string, unknown> {
	return {
		disable_smart_memory: null,
		vram_state: null,
		cache_type: 'classic',
		cache_size: 1,
		vae_cpu: false,
		reserve_vram: 0.6,
		nodes_profiling: null,
		max_memory_usage: null,
		nodes_execution_time: nodesExecutionTime,
	};
}
