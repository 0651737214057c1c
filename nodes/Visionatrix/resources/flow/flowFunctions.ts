import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { installedFlows } from '../../shared/flowCatalog';
import { resultOrItemError } from '../../shared/itemErrors';
import type { InstalledFlow } from '../../shared/types';

/** The installed flows (one request for all items), or the item's error. */
export async function catalogOfItem(this: IExecuteFunctions, itemIndex: number) {
	return await resultOrItemError(this, itemIndex, async () => await installedFlows.call(this));
}

/** What a workflow (or an AI agent) needs of a flow: its id, what it does, and its inputs. */
export function flowJson(flow: InstalledFlow): IDataObject {
	const {
		name,
		display_name,
		description,
		tags,
		version,
		hidden,
		is_seed_supported,
		is_count_supported,
		is_translations_supported,
	} = flow;
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
		input_params: flow.input_params.map(
			({
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
				options,
			}) => ({
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
			}),
		) as unknown as IDataObject[],
	};
}
