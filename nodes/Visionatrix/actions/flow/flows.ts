import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { flowJson } from '../../resources/flow/flowFunctions';
import { installedFlows } from '../../shared/flowCatalog';
import type { InstalledFlow } from '../../shared/types';
import { continueWithError, flowNotInstalledMessage, isItemError, itemError, resultOrItemError } from '../../shared/itemErrors';

async function catalog(this: IExecuteFunctions, itemIndex: number) {
	return await resultOrItemError(this, itemIndex, async () => await installedFlows.call(this));
}

/** Custom operation (a read): the installed flows with their inputs; one request for all items. */
export async function getManyFlows(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const flows = await catalog.call(this, itemIndex);
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

/** Custom operation (a read): one installed flow, or an error naming it. */
export async function getFlow(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const itemIndex of this.getInputData().keys()) {
		const flows = await catalog.call(this, itemIndex);
		const name = String(this.getNodeParameter('flow', itemIndex, '', { extractValue: true })).trim();
		const flow = isItemError(flows) ? flows : flows.find((f) => f.name === name);
		if (flow === undefined || isItemError(flow)) {
			const error =
				flow ??
				itemError(this.getNode(), itemIndex, flowNotInstalledMessage(name), 'Install the flow in Visionatrix first, or pick an installed one from the Flow list.');
			output.push(continueWithError.call(this, error, itemIndex));
			continue;
		}
		output.push({ json: flowJson(flow), pairedItem: { item: itemIndex } });
	}
	return [output];
}
