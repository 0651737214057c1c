/** Producing a task's result files, named the way ComfyUI's save nodes name them. */
import { BUILT_IN_GENERATORS } from './generators';
import type { TaskRecord } from './state';
import type { EmulatedFlow, EmulatedFlowOutput, StoredFile } from './types';

/**
 * The file name a save node gives a result under the prefix Visionatrix sets
 * (`visionatrix/{task_id}_{node_id}`): `{prefix}_{counter:05}_.{ext}`, e.g. `1_9_00001_.png`. A
 * text output (pysssss' SaveText) writes the one file Visionatrix names, `{task_id}_{node_id}_.txt`.
 */
export function resultFileName(
	taskId: number,
	output: Pick<EmulatedFlowOutput, 'comfy_node_id' | 'type'>,
	index: number,
	extension: string,
): string {
	const prefix = `${taskId}_${output.comfy_node_id}_`;
	if (output.type === 'text') return `${prefix}${extension}`;
	return `${prefix}${String(index + 1).padStart(5, '0')}_${extension}`;
}

/** The batch a flow makes: its `batch_size` input as the task sent it, else the flow's default, else 1. */
function batchSizeOf(task: TaskRecord, flow: EmulatedFlow): number {
	const param = flow.info.input_params.find((input) => input.name === 'batch_size');
	const value = Math.trunc(Number(task.inputParams.batch_size ?? param?.default ?? 1));
	return Number.isFinite(value) ? Math.min(Math.max(value, 1), 64) : 1;
}

export function generateResults(
	task: TaskRecord,
	flow: EmulatedFlow,
	settings: { outputBytes: number; pictureSize: number },
): StoredFile[] {
	const inputFiles = new Map(
		task.inputFiles.map((file) => [file.param, { fileName: file.fileName, data: file.data }]),
	);
	const batchSize = batchSizeOf(task, flow);
	const files: StoredFile[] = [];
	for (const output of flow.outputs) {
		const generate =
			typeof output.generator === 'function'
				? output.generator
				: BUILT_IN_GENERATORS[output.generator];
		if (!generate) throw new Error(`Unknown output generator "${String(output.generator)}"`);
		const produced = generate({
			taskId: task.id,
			nodeId: output.comfy_node_id,
			flow: flow.info.name,
			inputParams: task.inputParams,
			seed: task.seed,
			inputFiles,
			batchSize,
			minBytes: output.outputBytes ?? settings.outputBytes,
			pictureSize: settings.pictureSize,
		});
		produced.forEach((file, index) => {
			files.push({
				fileName: resultFileName(task.id, output, index, file.extension),
				data: file.data,
			});
		});
	}
	return files;
}
