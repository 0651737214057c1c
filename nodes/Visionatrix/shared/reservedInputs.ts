import type { FieldType } from 'n8n-workflow';

import type { InstalledFlow } from './types';

/** Form fields the server reads for every flow that supports them (see the flow's `is_*_supported` flags). */
export const RESERVED_INPUTS = {
	seed: { displayName: 'Seed', type: 'number' as FieldType, flag: 'is_seed_supported' },
	count: {
		displayName: 'Count (Tasks to Create)',
		type: 'number' as FieldType,
		flag: 'is_count_supported',
	},
	translate: {
		displayName: 'Translate Prompt',
		type: 'boolean' as FieldType,
		flag: 'is_translations_supported',
	},
} as const;

export type ReservedInput = keyof typeof RESERVED_INPUTS;

export function reservedInputsOf(flow: InstalledFlow): ReservedInput[] {
	return (Object.keys(RESERVED_INPUTS) as ReservedInput[]).filter(
		(name) => flow[RESERVED_INPUTS[name].flag],
	);
}
