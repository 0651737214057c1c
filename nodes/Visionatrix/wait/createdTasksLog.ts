import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * One info line per create, the moment the tasks exist: n8n keeps nothing of a running execution
 * that a crash (or a shutdown past its grace) ends, and its recovery rewrites the run data. The
 * line names the execution and the task ids, so the files can be collected instead of re-created.
 */
export function logCreatedTasks(
	context: IExecuteFunctions,
	flow: string,
	itemIndex: number,
	taskIds: number[],
): void {
	const ids = taskIds.join(', ');
	const executionId = context.getExecutionId();
	context.logger.info(
		`Visionatrix node "${context.getNode().name}" (execution ${executionId}, item ${itemIndex}) created task(s) ${ids} of flow '${flow}'. Should n8n stop before this execution ends, get their files with Get Results (task IDs ${ids}): retrying the execution creates them again`,
		{ executionId, workflowId: context.getWorkflow().id, flow, taskIds },
	);
}
