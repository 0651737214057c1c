import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { flowField } from '../../shared/descriptions';
import { continueWithError, flowNotInstalledError, isItemError } from '../../shared/itemErrors';
import { catalogOfItem, flowJson } from './flowFunctions';

export const getDescription: INodeProperties[] = [
	flowField({ show: { resource: ['flow'], operation: ['get'] } }, 'The installed flow to get'),
];

/** Custom operation (a read): one installed flow, or an error naming it. */
export async function getFlow(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const flows = await catalogOfItem.call(this, itemIndex);
		const name = String(
			this.getNodeParameter('flow', itemIndex, '', { extractValue: true }),
		).trim();
		if (isItemError(flows)) {
			output.push(continueWithError.call(this, flows, itemIndex));
			continue;
		}
		const flow = flows.find((f) => f.name === name);
		if (flow === undefined) {
			const error = flowNotInstalledError(this.getNode(), itemIndex, name, flows);
			output.push(continueWithError.call(this, error, itemIndex));
			continue;
		}
		output.push({ json: flowJson(flow), pairedItem: { item: itemIndex } });
	}
	return [output];
}
