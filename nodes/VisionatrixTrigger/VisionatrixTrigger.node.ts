import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { searchFlows } from '../Visionatrix/listSearch/searchFlows';
import { taskProgressJson } from '../Visionatrix/shared/taskProgress';
import { installedFlowsRoute, progressSummaryRoute } from '../Visionatrix/shared/api';
import { concurrencyLimit, DEFAULT_CONCURRENCY } from '../Visionatrix/shared/concurrency';
import {
	allFilesInOneItemOption,
	DEFAULT_BINARY_PROPERTY,
	flowField,
} from '../Visionatrix/shared/descriptions';
import { resultItems } from '../Visionatrix/shared/outputItems';
import { downloadResultFile, resultFiles } from '../Visionatrix/shared/results';
import { taskStatus } from '../Visionatrix/shared/taskStatus';
import { CREDENTIAL_TYPE, visionatrixJson } from '../Visionatrix/shared/transport';
import { flowNotInstalledMessage } from '../Visionatrix/shared/itemErrors';
import type { InstalledFlow, ProgressSummary, TaskDetails } from '../Visionatrix/shared/types';
import {
	mostRecentFinished,
	newlyFinished,
	readSeen,
	stateOf,
	writeSeen,
	type TaskEvent,
} from './finishedTasks';

interface TriggerOptions {
	downloadResults?: boolean;
	binaryPropertyName?: string;
	allFilesInOneItem?: boolean;
}

const EVENT_NAMES: Record<TaskEvent, string> = {
	completed: 'completed',
	failed: 'failed',
	finished: 'finished (completed or failed)',
};

const DEFAULT_EVENT: TaskEvent = 'completed';
/** Group Scope 0: tasks of every group (the server's own default is group 1 only). */
const EVERY_GROUP = 0;

export class VisionatrixTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visionatrix Trigger',
		name: 'visionatrixTrigger',
		icon: {
			light: 'file:../../icons/visionatrix.svg',
			dark: 'file:../../icons/visionatrix.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Task " + $parameter["event"] }}',
		// n8n's node panel lists the node and this trigger as one entry with the trigger's description
		// (generateMergedNodesAndActions in the editor): so it describes the app first, as the node does.
		description:
			'Run AI flows (image, video, audio, text) on a self-hosted Visionatrix server, and start workflows when its tasks finish',
		defaults: { name: 'Visionatrix Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				default: DEFAULT_EVENT,
				options: [
					{
						name: 'Task Completed',
						value: 'completed',
						description: 'A task finished with its results',
					},
					{ name: 'Task Failed', value: 'failed', description: 'A task stopped with an error' },
					{ name: 'Task Finished', value: 'finished', description: 'A task completed or failed' },
				],
			},
			{
				...flowField({}, 'Only tasks of this flow. Leave empty for tasks of every flow.'),
				required: false,
				displayOptions: undefined,
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Group Scope',
						name: 'groupScope',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 255, numberPrecision: 0 },
						default: EVERY_GROUP,
						description: 'Only tasks of this group (1–255); 0 for tasks of every group',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					allFilesInOneItemOption,
					{
						displayName: 'Download Results',
						name: 'downloadResults',
						type: 'boolean',
						default: false,
						description:
							'Whether to output the files of each completed task as binary data, as Get Results does (a failed task has none: it is output as its state)',
					},
					{
						displayName: 'Put Output File in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: DEFAULT_BINARY_PROPERTY,
						description:
							'With Download Results: the name of the output binary field to put each file in',
					},
				],
			},
		],
	};

	methods = {
		listSearch: { searchFlows },
	};

	/**
	 * One read of the progress summary per poll (filtered by flow and group on the server), compared
	 * with what the last poll saw. The first poll after activation only takes note of what is there:
	 * nothing that finished before it starts the workflow. A manual test run returns the most recent
	 * finished task, whatever was seen.
	 */
	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event', DEFAULT_EVENT) as TaskEvent;
		const flow = String(this.getNodeParameter('flow', '', { extractValue: true }) ?? '').trim();
		const { groupScope = EVERY_GROUP } = this.getNodeParameter('filters', {}) as {
			groupScope?: number;
		};
		const options = this.getNodeParameter('options', {}) as TriggerOptions;

		// group_scope 0: every group (the server's default is group 1 only).
		const qs: IDataObject = { group_scope: groupScope };
		if (flow) qs.name = flow;
		const summary = (await visionatrixJson.call(this, progressSummaryRoute(qs), {
			doing: 'list the tasks',
			...(flow && { flow }),
		})) as ProgressSummary;

		let tasks: TaskDetails[];
		if (this.getMode() === 'manual') {
			const latest = mostRecentFinished(summary, event);
			if (!latest) throw await noFinishedTask.call(this, event, flow, groupScope);
			tasks = [latest];
		} else {
			const filter = JSON.stringify({ flow, groupScope });
			const staticData = this.getWorkflowStaticData('node');
			const seen = readSeen(staticData, filter);
			writeSeen(staticData, stateOf(summary, filter, seen));
			// First poll since activation (or since the filters changed): nothing old is replayed.
			if (!seen) return null;
			tasks = newlyFinished(summary, seen, event);
			if (tasks.length === 0) return null;
		}
		return [
			options.downloadResults
				? await withFiles.call(this, tasks, options)
				: tasks.map((task) => ({ json: taskProgressJson(task, true) })),
		];
	}
}

/** The error of a test run that found nothing: the flow is not installed (and which was meant), or no task finished yet. */
async function noFinishedTask(
	this: IPollFunctions,
	event: TaskEvent,
	flow: string,
	groupScope: number,
): Promise<NodeOperationError> {
	if (flow) {
		const installed = (await visionatrixJson.call(this, installedFlowsRoute(), {
			doing: 'list the installed flows',
		})) as InstalledFlow[];
		if (!installed.some((f) => f.name === flow))
			return new NodeOperationError(this.getNode(), flowNotInstalledMessage(flow, installed), {
				description:
					'Pick the flow from the Flow list, or give its id (for example sdxl_lighting), not its display name.',
			});
	}
	const of = [flow && `of flow '${flow}'`, groupScope && `in group ${groupScope}`]
		.filter(Boolean)
		.join(' ');
	return new NodeOperationError(
		this.getNode(),
		`No task ${of ? `${of} ` : ''}has ${EVENT_NAMES[event]} on the Visionatrix server yet`,
		{
			description:
				'A test run shows the most recent one. Run a task in Visionatrix, then test again.',
		},
	);
}

/**
 * Each completed task's files, as Get Results outputs them; a failed task as its state. A download
 * that fails does not hold the trigger back: that task goes out as its state with the error.
 */
async function withFiles(
	this: IPollFunctions,
	tasks: TaskDetails[],
	options: TriggerOptions,
): Promise<INodeExecutionData[]> {
	const gate = concurrencyLimit(DEFAULT_CONCURRENCY);
	const settings = {
		binaryPropertyName: options.binaryPropertyName || DEFAULT_BINARY_PROPERTY,
		allFilesInOneItem: options.allFilesInOneItem === true,
	};
	const perTask = await Promise.all(
		tasks.map(async (task): Promise<INodeExecutionData[]> => {
			if (taskStatus(task) !== 'completed') return [{ json: taskProgressJson(task, true) }];
			try {
				const files = await Promise.all(
					resultFiles(task).map(
						async (file) => await gate(async () => await downloadResultFile.call(this, file, 0)),
					),
				);
				return resultItems(files, task, 0, settings).map(
					({ pairedItem: _trigger, ...item }) => item,
				);
			} catch (error) {
				return [
					{ json: { ...taskProgressJson(task, true), download_error: (error as Error).message } },
				];
			}
		}),
	);
	return perTask.flat();
}
