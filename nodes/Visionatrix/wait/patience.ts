import type { IExecuteFunctions } from 'n8n-workflow';

import { OutageWatch } from './outage';
import { DEFAULT_SCHEDULE } from './schedule';

/** Get Results has no Timeout: it waits out a server restart for this long. */
const GET_RESULTS_OUTAGE_SECONDS = 120;

/**
 * How long the reads of one run of the node wait out an outage: one watch for all of them (so the
 * log says once that the server stopped and started answering), and each item's deadline. Kept by
 * the node's context, so the downloads Create starts while it waits find the wait's.
 */
interface Patience {
	watch: OutageWatch;
	deadlineOf(itemIndex: number): number;
}

const patienceOfRun = new WeakMap<IExecuteFunctions, Patience>();

/** The wait's patience, for the downloads that follow it in the same run. */
export function keepPatience(context: IExecuteFunctions, patience: Patience): void {
	patienceOfRun.set(context, patience);
}

export function outageWatch(
	context: IExecuteFunctions,
	maxDelayMs = DEFAULT_SCHEDULE.maxDelayMs,
): OutageWatch {
	return new OutageWatch({
		logger: context.logger,
		nodeName: context.getNode().name,
		maxDelayMs,
		signal: context.getExecutionCancelSignal(),
	});
}

export function patienceOf(context: IExecuteFunctions): Patience {
	let patience = patienceOfRun.get(context);
	if (!patience) {
		const until = Date.now() + GET_RESULTS_OUTAGE_SECONDS * 1000;
		patience = { watch: outageWatch(context), deadlineOf: () => until };
		patienceOfRun.set(context, patience);
	}
	return patience;
}
