import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { installedFlowsRoute } from '../shared/api';
import { visionatrixJson } from '../shared/transport';
import type { InstalledFlow } from '../shared/types';

/** The flows installed on the server, for the Flow picker; `filter` matches the id or the display name. */
export async function searchFlows(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const flows = (await visionatrixJson.call(this, installedFlowsRoute(), {
		doing: 'list the installed flows',
	})) as InstalledFlow[];
	const needle = filter?.trim().toLowerCase() ?? '';
	const results = flows
		.filter((flow) => !flow.hidden || needle === flow.name.toLowerCase())
		.filter(
			(flow) =>
				!needle ||
				flow.name.toLowerCase().includes(needle) ||
				flow.display_name.toLowerCase().includes(needle),
		)
		.sort((a, b) => a.display_name.localeCompare(b.display_name))
		.map((flow) => ({
			name: `${flow.display_name} (${flow.name})`,
			value: flow.name,
			description: flow.description,
		}));
	return { results };
}
