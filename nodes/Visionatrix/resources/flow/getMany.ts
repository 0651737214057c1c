import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { continueWithError, isItemError } from '../../shared/itemErrors';
import type { InstalledFlow } from '../../shared/types';
import { catalogOfItem, flowJson } from './flowFunctions';

export const getManyDescription: INodeProperties[] = [
	{
		displayName: 'Include Hidden Flows',
		name: 'includeHidden',
		type: 'boolean',
		default: false,
		description: 'Whether to include flows that Visionatrix hides from its own UI (helper flows)',
		displayOptions: { show: { resource: ['flow'], operation: ['getMany'] } },
	},
];

/** Custom operation (a read): the installed flows with their inputs; one request for all items. */
export async function getManyFlows(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const flows = await catalogOfItem.call(this, itemIndex);
		if (isItemError(flows)) {
			output.push(continueWithError.call(this, flows, itemIndex));
			continue;
		}
		const includeHidden = this.getNodeParameter('includeHidden', itemIndex, false) as boolean;
		output.push(
			...flows
				.filter((flow: InstalledFlow) => includeHidden || !flow.hidden)
				.map((flow) => ({ json: flowJson(flow), pairedItem: { item: itemIndex } })),
		);
	}
	return [output];
}
