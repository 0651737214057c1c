import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** Fields and options that several operations share. */

/** The Task ID field, shown on every operation that works on one existing task. */
export function taskIdField(operation: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '={{ $json.task_id }}',
		placeholder: 'e.g. 42',
		description:
			'ID of the Visionatrix task. Create outputs it as <code>task_id</code>, so the default takes it from the incoming item.',
		displayOptions: { show: { resource: ['task'], operation: [operation] } },
	};
}

/** The flow picker: the server's installed flows, or a flow id by name. */
export function flowField(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Flow',
		name: 'flow',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a flow...',
				typeOptions: { searchListMethod: 'searchFlows', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. sdxl_lighting',
				// No pattern check: a display name given here ("SDXL Lighting") must reach the node, which
				// knows the installed flows and names the id meant (see flowNames.ts).
				hint: 'The flow ID, as in the URL of the flow in Visionatrix (sdxl_lighting, not "SDXL Lighting")',
			},
		],
	};
}

/** The binary field files go in (Get Results, Create, the trigger). */
export const DEFAULT_BINARY_PROPERTY = 'data';

export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_MAX_POLL_INTERVAL_SECONDS = 5;

// Options of waiting (Wait for Completion, and Create when it waits).

export const cancelOnStopOption: INodeProperties = {
	displayName: 'Cancel Tasks When Stopped',
	name: 'cancelOnStop',
	type: 'boolean',
	default: false,
	description:
		'Whether to cancel the tasks still queued or running on the server when this execution is stopped, so no GPU time goes to results nobody will collect',
};

/** Version 1.2: the same option, for every task the wait gives up on as well as on a stop. */
export const cancelUnfinishedOption: INodeProperties = {
	...cancelOnStopOption,
	displayName: 'Cancel Unfinished Tasks',
	description:
		'Whether to cancel on the server the tasks the node gives up on (past Timeout, worker stopped, no worker for the flow) and those still unfinished when the execution is stopped, so no GPU time goes to results nobody will collect',
};

export const pollIntervalOption: INodeProperties = {
	displayName: 'Max Poll Interval (Seconds)',
	name: 'pollInterval',
	type: 'number',
	typeOptions: { minValue: 0.2, numberPrecision: 1 },
	default: DEFAULT_MAX_POLL_INTERVAL_SECONDS,
	description:
		'Longest pause between two progress checks. Checks start quick and slow down to this as the wait goes on.',
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1, numberPrecision: 0 },
	default: DEFAULT_TIMEOUT_SECONDS,
	description:
		'How long to wait before failing the item. Video flows can need far longer than the 10 minutes default.',
};

/** Version 1.2: Timeout counts each task's own run; the queue has no limit of its own. */
export const runTimeoutOption: INodeProperties = {
	...timeoutOption,
	description:
		"The longest one task may run once a worker has taken it; its time in the queue does not count. Video flows can need far longer than the 10 minutes default. For a limit on the whole execution, set the workflow's Timeout.",
};

/** The options of waiting whose meaning changed with version 1.2 (Timeout, the cancel option), for a version. */
export function waitMeaningOptions(version: 'before1.2' | '1.2'): {
	timeout: INodeProperties;
	cancel: INodeProperties;
} {
	return version === '1.2'
		? { timeout: runTimeoutOption, cancel: cancelUnfinishedOption }
		: { timeout: timeoutOption, cancel: cancelOnStopOption };
}

/** Option of downloading (Get Results, and Create when it downloads). */
export const allFilesInOneItemOption: INodeProperties = {
	displayName: 'All Files in One Item',
	name: 'allFilesInOneItem',
	type: 'boolean',
	default: false,
	description:
		'Whether to put all files of a task in one item (fields data_0, data_1, …) instead of one item per file',
};

export const DEFAULT_FALLBACK_INTERVAL_SECONDS = 300;

/** Fallback of Wait Mode "On Webhook" (Wait for Completion, and Create when it waits); shown only in that mode. */
export const fallbackIntervalOption: INodeProperties = {
	displayName: 'Fallback Check (Seconds)',
	name: 'fallbackInterval',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: DEFAULT_FALLBACK_INTERVAL_SECONDS,
	description:
		'How often n8n checks the tasks itself in case a call from Visionatrix was lost (the server does not retry, and its calls do not reach a stopped n8n); at least every 70 seconds. n8n also checks once at the Timeout. 0: only that check.',
	displayOptions: { show: { waitMode: ['webhook'] } },
};

/**
 * Wait Mode (see wait/webhookWait.ts). With Create the node gives the tasks the resume URL
 * itself; Wait for Completion waits for tasks created with it.
 */
export function waitModeOption(operation: 'create' | 'waitForCompletion'): INodeProperties {
	return {
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		options: [
			{
				name: 'On Webhook',
				value: 'webhook',
				description:
					operation === 'create'
						? 'The execution waits, with nothing running in n8n, until Visionatrix calls back (Create gives the tasks the URL). Visionatrix must reach n8n.'
						: 'Create the tasks with Webhook URL {{ $execution.resumeUrl }} in this execution; it then waits, with nothing running in n8n, until Visionatrix calls back',
			},
			{
				name: 'Poll',
				value: 'poll',
				description:
					'Check the progress at intervals; the node keeps running (and holds an n8n worker) until the tasks are done',
			},
		],
		default: 'poll',
		description: "How to wait for the tasks. The first item's setting applies to all items.",
	};
}
