import {
	NodeApiError,
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { searchFlows } from '../Visionatrix/listSearch/searchFlows';
import { noAnswerCause } from '../Visionatrix/shared/networkErrors';
import { taskProgressJson } from '../Visionatrix/shared/taskProgress';
import {
	allFilesInOneItemOption,
	DEFAULT_BINARY_PROPERTY,
	flowField,
} from '../Visionatrix/shared/descriptions';
import { CREDENTIAL_TYPE } from '../Visionatrix/shared/transport';
import { deliverTasks } from './deliver';
import { firstState, matchesEvent, readState, writeState } from './pollState';
import { DEFAULT_EVENT, readSettings } from './settings';
import { EVERY_GROUP, readSummary, scanTasks } from './taskScan';

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
	 * Finds the tasks that finished since the last poll (taskScan.ts) and starts one execution with
	 * them, oldest first; the execution's execute() downloads their files if asked (deliver.ts). The
	 * first poll after publishing, or after the filters changed, only takes note of what is there.
	 */
	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const { event, filters } = readSettings((name, fallback, options) =>
			this.getNodeParameter(name, fallback, options),
		);
		const filter = JSON.stringify(filters);
		const staticData = this.getWorkflowStaticData('node');
		const state = readState(staticData, filter);
		try {
			if (!state) {
				const everything = await readSummary.call(this, { flow: '', groupScope: EVERY_GROUP });
				writeState(staticData, firstState(everything, filters, filter));
				return null;
			}
			const scan = await scanTasks.call(this, state, filters);
			writeState(staticData, scan.state);
			const tasks = scan.finished.filter((task) => matchesEvent(task, event));
			return tasks.length ? [tasks.map((task) => ({ json: taskProgressJson(task, true) }))] : null;
		} catch (error) {
			throw asTriggerError(this.getNode(), error, state === undefined);
		}
	}

	/** Runs in the execution a poll started, with the poll's items (or by hand: see deliver.ts). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await deliverTasks.call(this);
	}
}

/**
 * A poll that could not reach Visionatrix says what a trigger does about it. A poll that fails
 * keeps nothing of what it read, so the next one asks for the same tasks again: nothing is lost.
 * The first poll is the one n8n makes when it publishes the workflow: it fails the publishing.
 */
function asTriggerError(node: INode, error: unknown, first: boolean): unknown {
	const cause = noAnswerCause(error);
	if (cause === undefined) return error;
	const message = first
		? `Cannot reach Visionatrix to take note of the tasks already there (${cause}), so the trigger did not start: publish the workflow again once the server answers`
		: `Cannot reach Visionatrix to look for finished tasks (${cause}): the trigger tries again at its next poll`;
	const description = first
		? 'Check the Base URL of the Visionatrix credential and that the server is running and reachable from n8n. When n8n itself starts with the workflow published, it retries publishing by itself.'
		: 'Nothing is lost: tasks that finish while the server cannot be reached start the workflow at the first poll that reaches it. Check the Base URL of the Visionatrix credential and that the server is running and reachable from n8n.';
	// Not `code`: NodeApiError would swap the message for its generic one for known codes.
	return new NodeApiError(node, { unreachable: cause }, { message, description });
}
