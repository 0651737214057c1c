/**
 * ComfyUI's check of a task's graph before Visionatrix queues it (`validate_prompt`, which the
 * server runs after filling the flow's inputs into the graph): the text of each number input is
 * converted as Python converts it, `int()` for an INT input and `float()` for a FLOAT one. A value
 * that does not convert fails the create with `400 Bad Flow: `{…}``, ComfyUI's error written as a
 * Python dict. Its `details` list only the output nodes' own problems; a flow's inputs are never
 * output nodes, so they are empty (the conversion error itself goes to the server's log).
 */
import { HttpError } from './http/reply';
import type { EmulatedFlow, FlowInputParam } from './types';

const NUMBER_INPUTS = new Set(['number', 'range', 'range_scale']);

const INT_TEXT = /^[+-]?\d+(?:_\d+)*$/;
const DIGITS = String.raw`\d+(?:_\d+)*`;
const FLOAT_TEXT = new RegExp(
	String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
	'i',
);

function isIntegerInput(flow: EmulatedFlow, param: FlowInputParam): boolean {
	return flow.integerInputs
		? flow.integerInputs.includes(param.name)
		: param.step !== undefined && Number.isInteger(param.step);
}

/** Whether Python's `int()` (or `float()`) takes the text. */
function converts(text: string, integer: boolean): boolean {
	return (integer ? INT_TEXT : FLOAT_TEXT).test(text.trim());
}

/** Throws the server's 400 when a number input's text does not convert to its ComfyUI type. */
export function validateGraphInputs(
	flow: EmulatedFlow,
	inputParams: Readonly<Record<string, string | number>>,
): void {
	const failed = flow.info.input_params.some((param) => {
		const value = inputParams[param.name];
		if (!NUMBER_INPUTS.has(param.type) || typeof value !== 'string') return false;
		return !converts(value, isIntegerInput(flow, param));
	});
	if (!failed) return;
	throw HttpError.detail(
		400,
		"Bad Flow: `{'type': 'prompt_outputs_failed_validation', 'message': 'Prompt outputs failed validation', 'details': '', 'extra_info': {}}`",
	);
}
