import type { IDataObject, IExecuteSingleFunctions, IN8nHttpFullResponse, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InstalledFlow } from '../../shared/types';

/** What a workflow (or an AI agent) needs of a flow: its id, what it does, and its inputs. */
export function flowJson(flow: InstalledFlow): IDataObject {
	const { name, display_name, description, tags, version, hidden, is_seed_supported, is_count_supported, is_translations_supported } = flow;
	return {
		name,
		display_name,
		description,
		tags,
		version,
		hidden,
		is_seed_supported,
		is_count_supported,
		is_translations_supported,
		input_params: flow.input_params.map(({ name, display_name, type, optional, advanced, hidden, default: defaultValue, min, max, step, options }) => ({
			name,
			display_name,
			type,
			optional,
			advanced,
			hidden,
			default: defaultValue,
			min,
			max,
			step,
			options: options ? Object.keys(options) : undefined,
		})) as unknown as IDataObject[],
	};
}

/** postReceive (after the error check): one item per installed flow. */
export async function splitFlows(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const includeHidden = this.getNodeParameter('includeHidden', false) as boolean;
	const item = this.getItemIndex();
	return (response.body as InstalledFlow[])
		.filter((flow) => includeHidden || !flow.hidden)
		.map((flow) => ({ json: flowJson(flow), pairedItem: { item } }));
}

/** postReceive (after the error check): the one flow asked for, or an error naming it. */
export async function pickFlow(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const name = String(this.getNodeParameter('flow', '', { extractValue: true })).trim();
	const flow = (response.body as InstalledFlow[]).find((f) => f.name === name);
	const itemIndex = this.getItemIndex();
	if (!flow) {
		throw new NodeOperationError(this.getNode(), `Flow '${name}' is not installed on this Visionatrix server [item ${itemIndex}]`, {
			itemIndex,
			description: 'Install the flow in Visionatrix first, or pick an installed one from the Flow list.',
		});
	}
	return [{ json: flowJson(flow), pairedItem: { item: itemIndex } }];
}
