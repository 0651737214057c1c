import type { IDataObject } from 'n8n-workflow';

import {
	DEFAULT_FALLBACK_INTERVAL_SECONDS,
	DEFAULT_MAX_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from '../shared/descriptions';
import type { WaitSettings } from './pollWait';
import type { WaitMode } from './webhookWait';

/** The wait options of one item (Wait for Completion, and Create when it waits), each with its field's default. */
export interface WaitOptions extends WaitSettings {
	waitMode: WaitMode;
	/** Seconds between the fallback checks of Wait Mode "On Webhook"; 0: none. */
	fallbackInterval: number;
}

/** Reads the wait options by name from an operation's Options collection. */
export function readWaitOptions(options: IDataObject): WaitOptions {
	return {
		cancelOnStop: Boolean(options.cancelOnStop),
		fallbackInterval:
			(options.fallbackInterval as number | undefined) ?? DEFAULT_FALLBACK_INTERVAL_SECONDS,
		pollInterval: (options.pollInterval as number | undefined) ?? DEFAULT_MAX_POLL_INTERVAL_SECONDS,
		timeout: (options.timeout as number | undefined) ?? DEFAULT_TIMEOUT_SECONDS,
		waitMode: options.waitMode === 'webhook' ? 'webhook' : 'poll',
	};
}
