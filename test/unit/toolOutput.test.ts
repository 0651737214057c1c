import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forAgentsToo } from '../../nodes/Visionatrix/shared/toolOutput';

/** What Create with Download Results (or Get Results) outputs for two tasks: an image and a text answer. */
const files: INodeExecutionData[] = [
	{
		json: {
			task_id: 7,
			flow: 'sdxl_lighting',
			node_id: 9,
			batch_index: 0,
			type: 'image',
			file_name: '7_9_00001.png',
			mime_type: 'image/png',
			file_size: 2400,
		},
		binary: { data: { data: 'iVBORw0KGgo=', mimeType: 'image/png' } },
		pairedItem: { item: 0 },
	},
	{
		json: {
			task_id: 7,
			flow: 'sdxl_lighting',
			node_id: 9,
			batch_index: 1,
			type: 'image',
			file_name: '7_9_00002.png',
			mime_type: 'image/png',
			file_size: 2410,
		},
		binary: { data: { data: 'iVBORw0KGgo=', mimeType: 'image/png' } },
		pairedItem: { item: 0 },
	},
	{
		json: {
			task_id: 8,
			flow: 'ask_ai_internal',
			node_id: 54,
			batch_index: 0,
			type: 'text',
			file_name: '8_54_00001.txt',
			mime_type: 'text/plain',
			file_size: 6,
			text: 'Hello\n',
		},
		binary: { data: { data: 'SGVsbG8K', mimeType: 'text/plain' } },
		pairedItem: { item: 1 },
	},
];

const asTool = {
	isToolExecution: () => false,
	getNode: () => ({ rewireOutputLogTo: 'ai_tool' }),
} as unknown as IExecuteFunctions;
const inWorkflow = {
	isToolExecution: () => false,
	getNode: () => ({}),
} as unknown as IExecuteFunctions;

describe("the node as an AI agent's tool", () => {
	it('answers one object per task with its status and files, the text of text outputs, and no binary data', async () => {
		const [answer] = await forAgentsToo(async () => [files]).call(asTool);
		expect(answer).toEqual([
			{
				json: {
					task_id: 7,
					flow: 'sdxl_lighting',
					status: 'completed',
					files: [
						{
							node_id: 9,
							batch_index: 0,
							type: 'image',
							file_name: '7_9_00001.png',
							mime_type: 'image/png',
							file_size: 2400,
						},
						{
							node_id: 9,
							batch_index: 1,
							type: 'image',
							file_name: '7_9_00002.png',
							mime_type: 'image/png',
							file_size: 2410,
						},
					],
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					task_id: 8,
					flow: 'ask_ai_internal',
					status: 'completed',
					files: [
						{
							node_id: 54,
							batch_index: 0,
							type: 'text',
							file_name: '8_54_00001.txt',
							mime_type: 'text/plain',
							file_size: 6,
							text: 'Hello\n',
						},
					],
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(JSON.stringify(answer)).not.toContain('iVBORw0KGgo');
	});

	it('passes states and failed items as they are', async () => {
		const items: INodeExecutionData[] = [
			{
				json: {
					task_id: 3,
					status: 'failed',
					error: 'Task 3 failed on the Visionatrix server: CUDA out of memory',
				},
				pairedItem: { item: 0 },
			},
			{ json: { task_id: 4, flow: 'sdxl_lighting', outputs: [] }, pairedItem: { item: 1 } },
		];
		expect(await forAgentsToo(async () => [items]).call(asTool)).toEqual([items]);
	});

	it('keeps the items and their files in a workflow', async () => {
		expect(await forAgentsToo(async () => [files]).call(inWorkflow)).toEqual([files]);
	});
});
