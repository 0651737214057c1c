import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { installedFlowsRoute } from './api';
import { visionatrixJson } from './transport';
import type { InstalledFlow } from './types';

/**
 * The server's installed flows, read once per execution however many items ask
 * (`GET {prefix}/flows/installed`).
 */

const catalogs = new Map<string, Promise<InstalledFlow[]>>();
const KEEP_CATALOGS = 16;

export async function installedFlows(
	this: IExecuteFunctions | ILoadOptionsFunctions,
): Promise<InstalledFlow[]> {
	const load = async () =>
		(await visionatrixJson.call(this, installedFlowsRoute(), {
			doing: 'list the installed flows',
		})) as InstalledFlow[];
	if (!('getExecutionId' in this)) return await load();

	const key = `${this.getExecutionId()}:${this.getNode().id}`;
	let catalog = catalogs.get(key);
	if (!catalog) {
		catalog = load();
		catalogs.set(key, catalog);
		catalog.catch(() => catalogs.delete(key));
		for (const old of catalogs.keys()) {
			if (catalogs.size <= KEEP_CATALOGS) break;
			catalogs.delete(old);
		}
	}
	return await catalog;
}
