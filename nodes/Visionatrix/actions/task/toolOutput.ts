import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

type Operation = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

/**
 * Run as an AI agent's tool, an operation returns what an agent can use (task ids, status, file
 * names, types and sizes, all already in the JSON) and leaves out the binary data, which an agent
 * cannot read. In a workflow the items keep their files.
 */
export function forAgentsToo(operation: Operation): Operation {
	return async function (this: IExecuteFunctions) {
		const output = await operation.call(this);
		if (!this.isToolExecution()) return output;
		return output.map((items) => items.map(({ binary: _files, ...item }) => item));
	};
}
