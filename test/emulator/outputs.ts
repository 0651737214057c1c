/** Producing a task's result files, named the way ComfyUI's save nodes name them. */
import { BUILT_IN_GENERATORS } from './generators';
import type { TaskRecord } from './state';
import type { EmulatedFlow, StoredFile } from './types';

/** `{task_id}_{node_id}_{counter:05}_.{ext}`, e.g. `1_9_00001_.png`. */
export function resultFileName(
	taskId: number,
	nodeId: number,
	index: number,
	extension: string,
): string {
	return `${taskId}_${nodeId}_${String(index + 1).padStart(5, '0')}_${extension}`;
}

export function generateResults(
	task: TaskRecord,
	flow: EmulatedFlow,
	settings: { outputBytes: number; pictureSize: number },
): StoredFile[] {
	const inputFiles = new Map(
		task.inputFiles.map((file) => [file.param, { fileName: file.fileName, data: file.data }]),
	);
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
			minBytes: output.outputBytes ?? settings.outputBytes,
			pictureSize: settings.pictureSize,
		});
		produced.forEach((file, index) => {
			files.push({
				fileName: resultFileName(task.id, output.comfy_node_id, index, file.extension),
				data: file.data,
			});
		});
	}
	return files;
}
