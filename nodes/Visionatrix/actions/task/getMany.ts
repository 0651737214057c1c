import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { taskProgressJson } from '../../resources/task/progressFunctions';
import { progressSummaryRoute } from '../../shared/api';
import { visionatrixJson } from '../../shared/transport';
import type { ProgressSummary } from '../../shared/types';
import { continueWithError, isItemError, resultOrItemError } from '../../shared/itemErrors';

interface TaskFilters {
	name?: string;
	groupScope?: number;
	onlyParent?: boolean;
	status?: string[];
}

/** Custom operation (a read, so retried like every read): the user's tasks from the progress summary. */
export async function getManyTasks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as TaskFilters;
		const qs: IDataObject = {};
		if (filters.name) qs.name = filters.name;
		if (filters.groupScope !== undefined) qs.group_scope = filters.groupScope;
		if (filters.onlyParent) qs.only_parent = 1;
		const summary = await resultOrItemError(this, itemIndex, async () =>
			(await visionatrixJson.call(
				this,
				{ ...progressSummaryRoute(qs), abortSignal: this.getExecutionCancelSignal() },
				{ doing: 'list the tasks', itemIndex },
			)) as ProgressSummary,
		);
		if (isItemError(summary)) {
			output.push(continueWithError.call(this, summary, itemIndex));
			continue;
		}
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
		const status = filters.status ?? [];
		output.push(
			...Object.values(summary)
				.map((task) => taskProgressJson(task, true))
				.filter((task) => status.length === 0 || status.includes(task.status as string))
				.sort((a, b) => Number(b.task_id) - Number(a.task_id))
				.slice(0, limit)
				.map((json) => ({ json, pairedItem: { item: itemIndex } })),
		);
	}
	return [output];
}
