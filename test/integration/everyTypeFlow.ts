import type { EmulatedFlow, FlowInputParam } from '../emulator';

/** A flow whose inputs cover every input type Visionatrix has, to test the typed fields. */
function input(
	name: string,
	type: FlowInputParam['type'],
	extra: Partial<FlowInputParam> = {},
): FlowInputParam {
	return {
		name,
		display_name: name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
		optional: true,
		advanced: false,
		order: 1,
		hidden: false,
		translatable: false,
		type,
		default: '',
		comfy_node_id: { '1': ['inputs', name] },
		...extra,
	};
}

export const EVERY_TYPE_FLOW: EmulatedFlow = {
	info: {
		name: 'every_input_type',
		display_name: 'Every Input Type',
		description: 'Test flow: one input of each type',
		is_seed_supported: false,
		is_count_supported: false,
		is_translations_supported: false,
		is_macos_supported: true,
		required_memory_gb: 1,
		hidden: false,
		input_params: [
			input('prompt', 'text', { optional: false, order: 1 }),
			input('strength', 'number', { order: 2, default: 0.5, min: 0, max: 1 }),
			input('width', 'range', { order: 3, default: 512, min: 64, max: 2048, step: 64 }),
			input('scale', 'range_scale', { order: 4, default: 1, min: 0.5, max: 4, step: 0.5 }),
			input('style', 'list', {
				order: 5,
				default: 'Photo',
				options: { Photo: 'photographic', Anime: 'anime-v2' },
			}),
			input('upscale', 'bool', { order: 6, default: false, advanced: true }),
			input('source', 'image', { optional: false, order: 7 }),
			input('mask', 'image-mask', { order: 8, source_input_name: 'source' }),
			input('clip', 'video', { order: 9 }),
			input('internal_seed', 'number', { order: 99, hidden: true }),
		],
	},
	outputs: [{ comfy_node_id: 7, type: 'image', generator: 'prompt-image' }],
	comfyGraph: { '1': { inputs: { text: 'x' }, class_type: 'Anything' } },
};

function fileInputsFlow(name: string, inputs: FlowInputParam[]): EmulatedFlow {
	return {
		...EVERY_TYPE_FLOW,
		info: { ...EVERY_TYPE_FLOW.info, name, display_name: name, input_params: inputs },
	};
}

/** An inpainting flow: the photo, its required mask and an optional second picture. */
export const INPAINT_FLOW = fileInputsFlow('inpaint_like', [
	input('source_image', 'image', { optional: false, order: 1 }),
	input('mask_redraw', 'image-mask', {
		optional: false,
		order: 2,
		source_input_name: 'source_image',
	}),
	input('style_image', 'image', { order: 3 }),
]);

/** A flow that needs two pictures: which one the incoming file is, only the user knows. */
export const TWO_PHOTOS_FLOW = fileInputsFlow('two_photos', [
	input('person_image', 'image', { optional: false, order: 1 }),
	input('style_image', 'image', { optional: false, order: 2 }),
]);
