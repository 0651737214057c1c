import type {
	FieldType,
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { installedFlows } from '../shared/flowCatalog';
import { flowNotInstalledMessage } from '../shared/itemErrors';
import { RESERVED_INPUTS, reservedInputsOf } from '../shared/reservedInputs';
import type { FlowInputParam } from '../shared/types';
import { FILE_INPUT_TYPES } from '../shared/types';

const FIELD_TYPE: Record<string, FieldType> = {
	text: 'string',
	number: 'number',
	range: 'number',
	range_scale: 'number',
	list: 'options',
	bool: 'boolean',
};

/** Translate Prompt: the server's own default (nothing sent), on or off. */
const TRANSLATE_OPTIONS = [
	{ name: "Server's Default (Not Sent)", value: 'default' },
	{ name: 'On', value: 'on' },
	{ name: 'Off', value: 'off' },
];

/** A default as a label shows it: short, on one line. */
function shortDefault(value: unknown): string {
	const text = String(value).replace(/\s+/g, ' ').trim();
	return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/**
 * The field's label, with the server's default: "Add All Inputs" leaves fields empty, and an empty
 * field sends nothing, so the server's default applies. What a file input takes is the notice below
 * the inputs (a label is cut at its width).
 */
function describe(param: FlowInputParam): string {
	const name = param.display_name || param.name;
	if (FILE_INPUT_TYPES.includes(param.type)) return `${name} (File)`;
	const parts: string[] = [];
	if (param.min !== undefined || param.max !== undefined)
		parts.push(`${param.min ?? ''}–${param.max ?? ''}`);
	if (param.default !== undefined && param.default !== '')
		parts.push(`default ${shortDefault(param.default)}`);
	return parts.length ? `${name} (${parts.join(', ')})` : name;
}

function inputField(param: FlowInputParam): ResourceMapperField {
	const isFile = FILE_INPUT_TYPES.includes(param.type);
	const field: ResourceMapperField = {
		id: param.name,
		displayName: describe(param),
		required: !param.optional,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: !param.hidden,
		// Advanced inputs start folded away; "Add input" brings them in.
		removed: param.advanced && param.optional,
		type: FIELD_TYPE[param.type] ?? 'string',
	};
	if (param.type === 'list') {
		field.options = Object.keys(param.options ?? {}).map((key) => ({ name: key, value: key }));
	}
	if (isFile) {
		if (!param.optional) field.defaultValue = 'data';
	} else if (param.default !== undefined && param.default !== '') {
		field.defaultValue = param.default;
	}
	return field;
}

/** Resource mapper: the picked flow's inputs as typed fields, plus seed/count/translate where the flow supports them. */
export async function getFlowInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const flowName = String(this.getNodeParameter('flow', undefined, { extractValue: true }) ?? '');
	if (!flowName) return { fields: [], emptyFieldsNotice: 'Pick a flow first' };
	const installed = await installedFlows.call(this);
	const flow = installed.find((f) => f.name === flowName);
	if (!flow) {
		return { fields: [], emptyFieldsNotice: flowNotInstalledMessage(flowName, installed) };
	}
	const inputs = [...flow.input_params].sort((a, b) => a.order - b.order).map(inputField);
	const reserved = reservedInputsOf(flow).map(
		(name): ResourceMapperField => ({
			id: name,
			displayName: RESERVED_INPUTS[name].displayName,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			removed: true,
			// Translate is a choice, not a toggle: a toggle shows on or off even when nothing is sent.
			...(name === 'translate'
				? { type: 'options' as FieldType, options: TRANSLATE_OPTIONS, defaultValue: 'default' }
				: { type: RESERVED_INPUTS[name].type }),
		}),
	);
	return {
		fields: [...inputs, ...reserved],
		emptyFieldsNotice: `Flow '${flowName}' has no inputs`,
	};
}
