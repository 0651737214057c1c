import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { concurrencyLimit, DEFAULT_CONCURRENCY } from '../Visionatrix/shared/concurrency';
import { DEFAULT_BINARY_PROPERTY } from '../Visionatrix/shared/descriptions';
import { installedFlows } from '../Visionatrix/shared/flowCatalog';
import { flowNotInstalledMessage } from '../Visionatrix/shared/itemErrors';
import { resultItems } from '../Visionatrix/shared/outputItems';
import { downloadResultFile, resultFiles } from '../Visionatrix/shared/results';
import { readTask } from '../Visionatrix/shared/taskClient';
import { taskProgressJson } from '../Visionatrix/shared/taskProgress';
import { taskStatus } from '../Visionatrix/shared/taskStatus';
import type { TaskDetails } from '../Visionatrix/shared/types';
import { mostRecentFinished, type TaskEvent } from './pollState';
import { readSettings, type TriggerSettings } from './settings';
import { readSummary } from './taskScan';

/**
 * What an execution the trigger started outputs. A poll only finds the tasks; n8n then runs the
 * node's execute() with the poll's items inside the execution (n8n-core's WorkflowExecute.runNode
 * looks for `execute` before `poll`), so the files downloaded here are stored under the execution
 * and go when it is deleted or pruned. A poll has no execution: what it downloaded would be stored
 * under …/executions/temp/, which n8n moves to the execution only for webhook runs.
 *
 * Run by hand (the editor's test step, `n8n execute`), the node gets one empty item instead and
 * outputs the most recent finished task, so the next nodes can be set up with its shape.
 */

const EVENT_NAMES: Record<TaskEvent, string> = {
	completed: 'completed',
	failed: 'failed',
	finished: 'finished (completed or failed)',
};

export async function deliverTasks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = readSettings((name, fallback, options) =>
		this.getNodeParameter(name, 0, fallback, options),
	);
	const input = this.getInputData();
	const polled = input.some((item) => typeof item.json.task_id === 'number');
	const items = polled
		? input.map((item, index) => ({ ...item, pairedItem: { item: index } }))
		: [{ json: taskProgressJson(await latestFinished.call(this, settings), true) }];
	return [settings.downloadResults ? await withFiles.call(this, items, settings) : items];
}

/** The most recent finished task of the settings, as the poll would output it. */
async function latestFinished(
	this: IExecuteFunctions,
	{ event, filters }: TriggerSettings,
): Promise<TaskDetails> {
	const latest = mostRecentFinished(await readSummary.call(this, filters), event);
	if (!latest) {
		await checkFlowInstalled.call(this, filters.flow);
		const of = [
			filters.flow && `of flow '${filters.flow}'`,
			filters.groupScope && `in group ${filters.groupScope}`,
		]
			.filter(Boolean)
			.join(' ');
		throw new NodeOperationError(
			this.getNode(),
			`No task ${of ? `${of} ` : ''}has ${EVENT_NAMES[event]} on the Visionatrix server yet`,
			{
				description:
					'A test run shows the most recent one. Run a task in Visionatrix, then test again.',
			},
		);
	}
	// The summary leaves out some details (created_at, finished_at, …) that a poll's read has.
	return (await readTask.call(this, latest.task_id)).task ?? latest;
}

/** A test run that found nothing for a flow not installed (its display name given, say) names the flow meant. */
async function checkFlowInstalled(this: IExecuteFunctions, flow: string): Promise<void> {
	if (!flow) return;
	const installed = await installedFlows.call(this);
	if (installed.some((f) => f.name === flow)) return;
	throw new NodeOperationError(this.getNode(), flowNotInstalledMessage(flow, installed), {
		description:
			'Pick the flow from the Flow list, or give its id (for example sdxl_lighting), not its display name.',
	});
}

/**
 * Each completed task's files, as Get Results outputs them; a failed task as its state. A download
 * that fails does not hold the others back: that task goes out as its state with the error.
 */
async function withFiles(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	settings: TriggerSettings,
): Promise<INodeExecutionData[]> {
	const gate = concurrencyLimit(DEFAULT_CONCURRENCY);
	const output = {
		binaryPropertyName: settings.binaryPropertyName || DEFAULT_BINARY_PROPERTY,
		allFilesInOneItem: settings.allFilesInOneItem,
	};
	const perTask = await Promise.all(
		items.map(async (item, index): Promise<INodeExecutionData[]> => {
			const task = item.json as unknown as TaskDetails;
			// An item with files already (from a poll of an earlier release) goes out as it is.
			if (item.binary || taskStatus(task) !== 'completed') return [item];
			try {
				const files = await Promise.all(
					resultFiles(task).map(
						async (file) =>
							await gate(async () => await downloadResultFile.call(this, file, index)),
					),
				);
				return resultItems(files, task, index, output);
			} catch (error) {
				return [{ ...item, json: { ...item.json, download_error: (error as Error).message } }];
			}
		}),
	);
	return perTask.flat();
}
