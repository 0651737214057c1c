import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { installedFlowsRoute } from './api';
import { itemError } from './itemErrors';
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

/**
 * Whether a connected worker can run each of `flows`, as the server says now (a fresh read of
 * the list, not the execution's copy): its `is_supported_by_workers`, computed from the workers
 * seen in the last 3 minutes and their memory. A flow the answer does not tell about, or a read
 * that failed, is left out: not known.
 */
export async function flowsSupport(
	this: IExecuteFunctions,
	flows: readonly string[],
): Promise<Map<string, boolean>> {
	let listed: InstalledFlow[];
	try {
		listed = (await visionatrixJson.call(this, installedFlowsRoute(), {
			doing: 'list the installed flows',
		})) as InstalledFlow[];
	} catch {
		return new Map();
	}
	const support = new Map<string, boolean>();
	for (const flow of listed) {
		if (flows.includes(flow.name) && typeof flow.is_supported_by_workers === 'boolean')
			support.set(flow.name, flow.is_supported_by_workers);
	}
	return support;
}

/**
 * Version 1.2, before Create queues a task it will wait for: fails the item when the server says
 * no connected worker can run the flow (the execution's copy of the list: one read however many
 * items ask), so nobody watches a wait that cannot end.
 */
export async function assertWorkerFor(
	this: IExecuteFunctions,
	flow: string,
	itemIndex: number,
): Promise<void> {
	const listed = (await installedFlows.call(this)).find((f) => f.name === flow);
	if (listed?.is_supported_by_workers !== false) return;
	throw itemError(
		this.getNode(),
		itemIndex,
		`No worker connected that can run flow '${flow}': the task was not created`,
		'Visionatrix counts the workers seen in the last 3 minutes with enough memory for a flow, and has none for this one. Start a worker that can run it and run the workflow again, or set Output to "Task IDs" to queue the tasks anyway (Wait for Completion or Get Results can collect them later).',
	);
}
