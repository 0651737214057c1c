import type { IDataObject } from 'n8n-workflow';

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
