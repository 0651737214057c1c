import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { progressSummaryRoute } from '../../shared/api';
import { continueWithError, isItemError, resultOrItemError } from '../../shared/itemErrors';
import { taskProgressJson } from '../../shared/taskProgress';
import { visionatrixJson } from '../../shared/transport';
import type { ProgressSummary } from '../../shared/types';

const showOnlyForGetMany = { resource: ['task'], operation: ['getMany'] };

// n8n's lint wants the literal default in the field: the reader takes it from there.
const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { ...showOnlyForGetMany, returnAll: [false] } },
};

export const getManyDescription: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: showOnlyForGetMany },
	},
	limitField,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showOnlyForGetMany },
		options: [
			{
				displayName: 'Flow Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'e.g. sdxl_lighting',
				description: 'Only tasks of this flow',
			},
			{
				displayName: 'Group Scope',
				name: 'groupScope',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 255, numberPrecision: 0 },
				default: 1,
				description: 'Only tasks of this group; 0 for tasks of every group',
			},
			{
				displayName: 'Only Parent Tasks',
				name: 'onlyParent',
				type: 'boolean',
				default: false,
				description: "Whether to leave out tasks created from another task's output",
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				default: [],
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Queued', value: 'queued' },
					{ name: 'Running', value: 'running' },
				],
				description: 'Only tasks in these states',
			},
		],
	},
];

interface TaskFilters {
	name?: string;
	groupScope?: number;
	onlyParent?: boolean;
	status?: string[];
}

interface GetManyParameters {
	filters: TaskFilters;
	/** Infinity with Return All. */
	limit: number;
}

/** The item's parameters, read once, by name. */
function parametersOf(this: IExecuteFunctions, itemIndex: number): GetManyParameters {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return {
		filters: this.getNodeParameter('filters', itemIndex, {}) as TaskFilters,
		limit: returnAll
			? Infinity
			: (this.getNodeParameter('limit', itemIndex, limitField.default) as number),
	};
}

/** Custom operation (a read, so retried like every read): the user's tasks from the progress summary. */
export async function getManyTasks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const { filters, limit } = parametersOf.call(this, itemIndex);
		const qs: IDataObject = {};
		if (filters.name) qs.name = filters.name;
		if (filters.groupScope !== undefined) qs.group_scope = filters.groupScope;
		if (filters.onlyParent) qs.only_parent = 1;
		const summary = await resultOrItemError(
			this,
			itemIndex,
			async () =>
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
