import type { INodeProperties } from 'n8n-workflow';

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
			'ID of the Visionatrix task. Create Task outputs it as <code>task_id</code>, so the default takes it from the incoming item.',
		displayOptions: { show: { resource: ['task'], operation: [operation] } },
	};
}
