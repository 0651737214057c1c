import type {
	FieldType,
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { installedFlows } from '../shared/flowCatalog';
import { DEFAULT_BINARY_PROPERTY } from '../shared/descriptions';
import { needsValue } from '../shared/flowInputs';
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

/**
 * The field's label: the input's name as Visionatrix shows it, "(File)" for a file input, and "*"
 * when the node needs a value. Short, as the editor cuts long labels; an empty field sends nothing
 * and the flow's default applies.
 */
function labelOf(param: FlowInputParam): string {
	const name = param.display_name || param.name;
	const file = FILE_INPUT_TYPES.includes(param.type) ? ' (File)' : '';
	return `${name}${file}${needsValue(param) ? ' *' : ''}`;
}

/**
 * The one input that gets `data` (the incoming item's usual binary field) to start with: the flow's
 * only required image. A mask, a second image or a video is left for the user to map.
 */
function prefilledFileInput(params: FlowInputParam[]): string | undefined {
	const images = params.filter((param) => param.type === 'image' && needsValue(param));
	return images.length === 1 ? images[0].name : undefined;
}

/** What a field holds when it is first shown or added by name (Add All Inputs adds it empty): the flow's default, or `data` for the prefilled file. */
function startValue(param: FlowInputParam, prefilled: string | undefined) {
	if (FILE_INPUT_TYPES.includes(param.type))
		return param.name === prefilled ? DEFAULT_BINARY_PROPERTY : undefined;
	return param.default === '' ? undefined : param.default;
}

function inputField(param: FlowInputParam, prefilled: string | undefined): ResourceMapperField {
	const field: ResourceMapperField = {
		id: param.name,
		displayName: labelOf(param),
		// The mark is the label's "*": n8n draws none for a required field, and the node checks it.
		required: false,
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
	const start = startValue(param, prefilled);
	if (start !== undefined) field.defaultValue = start;
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
	const prefilled = prefilledFileInput(flow.input_params);
	const inputs = [...flow.input_params]
		.sort((a, b) => a.order - b.order)
		.map((param) => inputField(param, prefilled));
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
