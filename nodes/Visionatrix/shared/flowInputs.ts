import { RESERVED_INPUTS, reservedInputsOf, type ReservedInput } from './reservedInputs';
import type { FlowInputParam, InstalledFlow } from './types';
import { FILE_INPUT_TYPES } from './types';

/**
 * A flow's inputs, checked and converted the way the server reads them, before anything is sent:
 * the server answers a bare 500 for an unknown list key or a bool it cannot parse, and ignores
 * names it does not know.
 */

/** An input value the user gave that the flow cannot take; `input` names the field. */
export class FlowInputError extends Error {
	constructor(
		readonly input: string,
		message: string,
		readonly hint: string,
	) {
		super(message);
	}
}

/** A file input: a binary field of the incoming item, or another task's output by reference. */
type FileInput =
	| { name: string; binaryProperty: string }
	| { name: string; reference: { task_id: number; node_id?: number; input_index?: number } };

interface PreparedInputs {
	text: Array<[name: string, value: string]>;
	files: FileInput[];
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off']);

function label(param: FlowInputParam): string {
	return param.display_name && param.display_name !== param.name
		? `'${param.display_name}' (${param.name})`
		: `'${param.name}'`;
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** `{"task_id": 1, "node_id": 9}` (or an object) → the reference; anything else → undefined. */
function parseTaskReference(
	value: unknown,
): Extract<FileInput, { reference: unknown }>['reference'] | undefined {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (!value.trim().startsWith('{')) return undefined;
		try {
			parsed = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	if (typeof parsed !== 'object' || parsed === null) return undefined;
	const { task_id, node_id, input_index } = parsed as Record<string, unknown>;
	if (!Number.isInteger(Number(task_id))) return undefined;
	if (node_id !== undefined && Number.isInteger(Number(node_id))) {
		return { task_id: Number(task_id), node_id: Number(node_id) };
	}
	if (input_index !== undefined && Number.isInteger(Number(input_index))) {
		return { task_id: Number(task_id), input_index: Number(input_index) };
	}
	return undefined;
}

function textValue(param: FlowInputParam, value: unknown, flow: string): string {
	switch (param.type) {
		case 'number':
		case 'range':
		case 'range_scale': {
			const number = typeof value === 'number' ? value : Number(String(value).trim());
			if (!Number.isFinite(number)) {
				throw new FlowInputError(
					param.name,
					`Input ${label(param)} of flow '${flow}' must be a number, not '${String(value)}'`,
					'Give a number, for example 1.5.',
				);
			}
			const { min, max } = param;
			if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
				throw new FlowInputError(
					param.name,
					`Input ${label(param)} of flow '${flow}' must be between ${min ?? '-∞'} and ${max ?? '∞'}, not ${number}`,
					'Give a value inside the range the flow allows.',
				);
			}
			return String(number);
		}
		case 'bool': {
			if (typeof value === 'boolean') return value ? 'true' : 'false';
			const word = String(value).trim().toLowerCase();
			if (TRUE_WORDS.has(word)) return 'true';
			if (FALSE_WORDS.has(word)) return 'false';
			throw new FlowInputError(
				param.name,
				`Input ${label(param)} of flow '${flow}' must be true or false, not '${String(value)}'`,
				'Give true or false.',
			);
		}
		case 'list': {
			const options = param.options ?? {};
			const given = String(value);
			if (given in options) return given;
			// A value given as the option's underlying value (not its key) is sent as its key.
			const byValue = Object.keys(options).find((key) => String(options[key]) === given);
			if (byValue !== undefined) return byValue;
			throw new FlowInputError(
				param.name,
				`Input ${label(param)} of flow '${flow}' has no option '${given}'`,
				`Choose one of: ${Object.keys(options).join(', ')}.`,
			);
		}
		default:
			return typeof value === 'string' ? value : String(value);
	}
}

/**
 * Checks `values` (input name → value; a file input's value is a binary field name or a task
 * reference) against the flow's inputs and returns what to send. Missing optional inputs are
 * left to the server's defaults.
 */
function reservedValue(name: ReservedInput, value: unknown, flow: string): string {
	if (name === 'translate') {
		return textValue(
			{ name, display_name: RESERVED_INPUTS[name].displayName, type: 'bool' } as FlowInputParam,
			value,
			flow,
		) === 'true'
			? '1'
			: '0';
	}
	const number = Number(typeof value === 'string' ? value.trim() : value);
	const least = name === 'count' ? 1 : 0;
	if (!Number.isInteger(number) || number < least) {
		throw new FlowInputError(
			name,
			`'${RESERVED_INPUTS[name].displayName}' must be a whole number of at least ${least}, not '${String(value)}'`,
			'Give a whole number.',
		);
	}
	return String(number);
}

export function prepareFlowInputs(
	flow: InstalledFlow,
	values: Record<string, unknown>,
): PreparedInputs {
	const params = new Map(flow.input_params.map((param) => [param.name, param]));
	const reserved = new Set<string>(reservedInputsOf(flow));
	const prepared: PreparedInputs = { text: [], files: [] };
	for (const [name, value] of Object.entries(values)) {
		if (params.has(name)) continue;
		if (name in RESERVED_INPUTS) {
			// Translate Prompt "Server's Default": nothing is sent (see getFlowInputs).
			if (isEmpty(value) || (name === 'translate' && value === 'default')) continue;
			if (!reserved.has(name)) {
				throw new FlowInputError(
					name,
					`Flow '${flow.name}' does not support '${RESERVED_INPUTS[name as ReservedInput].displayName}'`,
					`Remove '${name}': this flow does not take it.`,
				);
			}
			prepared.text.push([name, reservedValue(name as ReservedInput, value, flow.name)]);
			continue;
		}
		throw new FlowInputError(
			name,
			`Flow '${flow.name}' has no input '${name}'`,
			`Its inputs are: ${flow.input_params.map((p) => p.name).join(', ') || 'none'}.`,
		);
	}
	for (const param of flow.input_params) {
		const value = values[param.name];
		const isFile = FILE_INPUT_TYPES.includes(param.type);
		if (isEmpty(value)) {
			const hasDefault = !isFile && param.default !== undefined && param.default !== '';
			if (!param.optional && !hasDefault) {
				throw new FlowInputError(
					param.name,
					`Input ${label(param)} of flow '${flow.name}' is required`,
					isFile
						? 'Give the name of the binary field that holds the file (for example "data"), or another task\'s output as {"task_id": 1, "node_id": 9}.'
						: 'Give it a value.',
				);
			}
			continue;
		}
		if (isFile) {
			const reference = parseTaskReference(value);
			prepared.files.push(
				reference
					? { name: param.name, reference }
					: { name: param.name, binaryProperty: String(value).trim() },
			);
			continue;
		}
		prepared.text.push([param.name, textValue(param, value, flow.name)]);
	}
	return prepared;
}
