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

function hasDefault(param: FlowInputParam): boolean {
	return param.default !== undefined && param.default !== '';
}

/**
 * An input the node needs a value for: one the flow does not mark optional and that has no default
 * to fall back on (a file input never has one).
 */
export function needsValue(param: FlowInputParam): boolean {
	return !param.optional && (FILE_INPUT_TYPES.includes(param.type) || !hasDefault(param));
}

/**
 * A whole-number input: its step is a whole number. The server fills such an input into a ComfyUI
 * INT (`VixUiRangeInt`), which refuses "1.5" with a 400; the flow list writes their steps as 1, 8,
 * 32 (its float inputs' as 0.1, 0.01 and, once, 1.0, which JSON cannot tell from 1).
 */
function isWholeNumberInput(param: FlowInputParam): boolean {
	return param.step !== undefined && Number.isInteger(param.step);
}

function rangeText({ min, max }: FlowInputParam): string {
	if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
	if (min !== undefined) return ` of at least ${min}`;
	return max !== undefined ? ` of at most ${max}` : '';
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

/** A number input's value as the server reads it, inside the flow's range, whole where the flow counts in whole steps. */
function numberValue(param: FlowInputParam, value: unknown, flow: string): string {
	const whole = isWholeNumberInput(param);
	const kind = whole ? 'a whole number' : 'a number';
	const number = typeof value === 'number' ? value : Number(String(value).trim());
	const given = typeof value === 'string' ? `'${value}'` : String(value);
	const hint = `Give ${kind}${rangeText(param)}.`;
	if (!Number.isFinite(number)) {
		throw new FlowInputError(
			param.name,
			`Input ${label(param)} of flow '${flow}' must be ${kind}, not ${given}`,
			hint,
		);
	}
	if (whole && !Number.isInteger(number)) {
		throw new FlowInputError(
			param.name,
			`Input ${label(param)} of flow '${flow}' must be a whole number, not ${number}`,
			`${hint} The server counts it in whole steps and refuses fractions.`,
		);
	}
	const { min, max } = param;
	if ((min !== undefined && number < min) || (max !== undefined && number > max)) {
		throw new FlowInputError(
			param.name,
			`Input ${label(param)} of flow '${flow}' must be between ${min ?? '-∞'} and ${max ?? '∞'}, not ${number}`,
			hint,
		);
	}
	return String(number);
}

function textValue(param: FlowInputParam, value: unknown, flow: string): string {
	switch (param.type) {
		case 'number':
		case 'range':
		case 'range_scale':
			return numberValue(param, value, flow);
		case 'bool': {
			if (typeof value === 'boolean') return value ? 'true' : 'false';
			const word = String(value).trim().toLowerCase();
			if (TRUE_WORDS.has(word)) return 'true';
			if (FALSE_WORDS.has(word)) return 'false';
			throw new FlowInputError(
				param.name,
				`Input ${label(param)} of flow '${flow}' must be true or false, not '${String(value)}'`,
				'Give true or false (yes/no, on/off and 1/0 are read too).',
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
			if (needsValue(param)) {
				throw new FlowInputError(
					param.name,
					`Input ${label(param)} of flow '${flow.name}' is required`,
					isFile
						? 'Give the name of the binary field that holds the file (for example "data"), or another task\'s output as {"task_id": 1, "node_id": 9}.'
						: 'Fill it in under Inputs, or map it from the incoming item with an expression.',
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
