import type { TaskEvent, TaskFilters } from './pollState';
import { EVERY_GROUP } from './taskScan';

/** The trigger's parameters, as a poll and an execution read them. */
export interface TriggerSettings {
	event: TaskEvent;
	filters: TaskFilters;
	downloadResults: boolean;
	binaryPropertyName?: string;
	allFilesInOneItem: boolean;
}

export const DEFAULT_EVENT: TaskEvent = 'completed';

/** A poll's and an execution's getNodeParameter, the same way round (an execution's takes the item index). */
type ReadParameter = (
	name: string,
	fallback: unknown,
	options?: { extractValue: boolean },
) => unknown;

export function readSettings(parameter: ReadParameter): TriggerSettings {
	const { groupScope = EVERY_GROUP } = parameter('filters', {}) as { groupScope?: number };
	const options = parameter('options', {}) as {
		downloadResults?: boolean;
		binaryPropertyName?: string;
		allFilesInOneItem?: boolean;
	};
	return {
		event: parameter('event', DEFAULT_EVENT) as TaskEvent,
		filters: {
			flow: String(parameter('flow', '', { extractValue: true }) ?? '').trim(),
			groupScope,
		},
		downloadResults: options.downloadResults === true,
		binaryPropertyName: options.binaryPropertyName,
		allFilesInOneItem: options.allFilesInOneItem === true,
	};
}
