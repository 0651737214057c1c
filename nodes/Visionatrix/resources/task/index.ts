import type { INodeProperties } from 'n8n-workflow';

import { createDescription } from './create';
import { buildCreateTaskForm, splitCreatedTasks } from './createFunctions';
import { getProgressDescription } from './getProgress';
import { getResultsDescription } from './getResults';
import { setTaskIdInPath, shapeTaskProgress } from './progressFunctions';
import { waitForCompletionDescription } from './waitForCompletion';

const showOnlyForTasks = { resource: ['task'] };

export const taskDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForTasks },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a task',
				description: 'Run a flow: queue a task on the Visionatrix server',
				routing: {
					request: { method: 'PUT', url: '/tasks/create' },
					send: { preSend: [buildCreateTaskForm] },
					output: { postReceive: [splitCreatedTasks] },
				},
			},
			{
				name: 'Get Progress',
				value: 'getProgress',
				action: 'Get the progress of a task',
				description: 'Get the state of a task: queued, running, completed or failed',
				routing: {
					request: { method: 'GET', url: '/tasks/progress' },
					send: { preSend: [setTaskIdInPath] },
					output: { postReceive: [shapeTaskProgress] },
				},
			},
			{
				name: 'Get Results',
				value: 'getResults',
				action: 'Get the result files of a task',
				description: 'Download every file a completed task produced, as binary data',
			},
			{
				name: 'Wait for Completion',
				value: 'waitForCompletion',
				action: 'Wait for a task to complete',
				description: 'Wait until a task is completed or failed, then output its final state',
			},
		],
		default: 'create',
	},
	...createDescription,
	...getProgressDescription,
	...waitForCompletionDescription,
	...getResultsDescription,
];
