import type { IDataObject } from 'n8n-workflow';

import {
	DEFAULT_FALLBACK_INTERVAL_SECONDS,
	DEFAULT_MAX_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from '../shared/descriptions';
import type { WaitSettings } from './pollWait';
import type { WaitMode } from './webhookWait';

/** The node version from which Timeout counts each task's own run (see pollWait.ts). */
export const RUN_TIMEOUT_VERSION = 1.2;

/** The wait options of one item (Wait for Completion, and Create when it waits), each with its field's default. */
export interface WaitOptions extends WaitSettings {
	waitMode: WaitMode;
	/** Seconds between the fallback checks of Wait Mode "On Webhook"; 0: none. */
	fallbackInterval: number;
}

/** Reads the wait options by name from an operation's Options collection, as the node's version means them. */
export function readWaitOptions(options: IDataObject, typeVersion: number): WaitOptions {
	return {
		cancelOnStop: Boolean(options.cancelOnStop),
		fallbackInterval:
			(options.fallbackInterval as number | undefined) ?? DEFAULT_FALLBACK_INTERVAL_SECONDS,
		pollInterval: (options.pollInterval as number | undefined) ?? DEFAULT_MAX_POLL_INTERVAL_SECONDS,
		timeout: (options.timeout as number | undefined) ?? DEFAULT_TIMEOUT_SECONDS,
		timeoutCounts: typeVersion >= RUN_TIMEOUT_VERSION ? 'run' : 'wait',
		waitMode: options.waitMode === 'webhook' ? 'webhook' : 'poll',
	};
}
