import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

type Operation = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

/**
 * Whether the node runs as an AI agent's tool: called by the agent (`isToolExecution`), or run by
 * the engine on the agent's request (n8n 2.x's AI Agent), which sends the node's output to the
 * agent's tool connection.
 */
function runsAsTool(context: IExecuteFunctions): boolean {
	return (
		context.isToolExecution() || context.getNode().rewireOutputLogTo === NodeConnectionTypes.AiTool
	);
}

/** The fields of a result file an agent can use: no binary data, which it cannot read. */
function fileForAgent(json: IDataObject): IDataObject {
	const file = { ...json };
	for (const key of ['task_id', 'flow', 'binary_property']) delete file[key];
	return file;
}

/**
 * Result files as one answer per task: its id, flow, status and files (name, type, MIME type,
 * size, and the content of text outputs). Other items (states, errors) go as they are.
 */
function forAgent(items: INodeExecutionData[]): INodeExecutionData[] {
	const answers: INodeExecutionData[] = [];
	const byTask = new Map<unknown, IDataObject>();
	for (const { json, pairedItem } of items) {
		if (typeof json.file_name !== 'string' || json.error !== undefined) {
			const files = Array.isArray(json.files)
				? (json.files as IDataObject[]).map(fileForAgent)
				: undefined;
			answers.push({ json: files ? { ...json, files } : json, pairedItem });
			continue;
		}
		let answer = byTask.get(json.task_id);
		if (!answer) {
			answer = { task_id: json.task_id, flow: json.flow, status: 'completed', files: [] };
			byTask.set(json.task_id, answer);
			answers.push({ json: answer, pairedItem });
		}
		(answer.files as IDataObject[]).push(fileForAgent(json));
	}
	return answers;
}

/**
 * Run as an AI agent's tool, an operation answers what an agent can use: task ids, status, file
 * names, types and sizes, and the text of text outputs; it leaves out the binary data, which an
 * agent cannot read. In a workflow the items keep their files.
 */
export function forAgentsToo(operation: Operation): Operation {
	return async function (this: IExecuteFunctions) {
		const output = await operation.call(this);
		if (!runsAsTool(this)) return output;
		return output.map((items) => forAgent(items));
	};
}
