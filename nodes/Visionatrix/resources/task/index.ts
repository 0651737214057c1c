import type { INodeProperties } from 'n8n-workflow';

import { cancelDescription, cancelRouting } from './cancel';
import { createDescription } from './create';
import { deleteDescription, deleteRouting } from './delete';
import { getManyDescription } from './getMany';
import { getProgressDescription } from './getProgress';
import { getResultsDescription } from './getResults';
import { restartDescription, restartRouting } from './restart';
import { setPriorityDescription, setPriorityRouting } from './setPriority';
import { waitForCompletionDescription } from './waitForCompletion';

const showOnlyForTasks = { resource: ['task'] };

// The reads and the long-running operations are custom operations (the node's customOperations):
// they work on all items together and retry reads. The writes (Cancel, Delete, Restart, Set
// Priority) are one request per item, by the routing in their files.
export const taskDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForTasks },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a task',
				description: 'Remove a queued or running task from the queue',
				routing: cancelRouting,
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create a task',
				description: 'Run a flow: queue a task, and optionally wait for it and download its files',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a task',
				description: 'Delete a task with its child tasks and files',
				routing: deleteRouting,
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many tasks',
				description: 'List your tasks with their progress',
			},
			{
				name: 'Get Progress',
				value: 'getProgress',
				action: 'Get the progress of a task',
				description: 'Get the state of a task: queued, running, completed or failed',
			},
			{
				name: 'Get Results',
				value: 'getResults',
				action: 'Get the result files of a task',
				description: 'Download every file a completed task produced, as binary data',
			},
			{
				name: 'Restart',
				value: 'restart',
				action: 'Restart a failed task',
				description: 'Queue a failed task again',
				routing: restartRouting,
			},
			{
				name: 'Set Priority',
				value: 'setPriority',
				action: 'Set the priority of a task',
				description: 'Change the queue priority of a queued task',
				routing: setPriorityRouting,
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
	...getManyDescription,
	...cancelDescription,
	...deleteDescription,
	...restartDescription,
	...setPriorityDescription,
];
