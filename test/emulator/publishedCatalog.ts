/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Every flow of the published Visionatrix 2.7 catalog, as a server with all of them installed lists
 * them: recording 14 (`14-flows-installed-full-catalog.json`), read where the recordings are (see
 * recordings.ts) and never copied into the repository. Without it there is no published catalog and
 * the built-in flows stand in.
 *
 * The list does not say what a flow outputs (the server learns it from the flow's ComfyUI graph when
 * a task is created): OUTPUT_NODES gives each flow's save nodes, from the graphs of the VixFlowsDocs
 * 2.7 catalog. The flows the emulator has built in keep their own outputs and graphs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { builtInFlows } from './flows';
import { markFloat } from './http/pyjson';
import { recordingsDir } from './recordings';
import type {
	BuiltInGenerator,
	EmulatedFlow,
	EmulatedFlowOutput,
	FlowInfo,
	FlowInputParam,
	OutputType,
} from './types';

export const PUBLISHED_CATALOG_FILE = '14-flows-installed-full-catalog.json';

/** Each published flow's output nodes: ComfyUI node id and the kind of file it saves. */
const OUTPUT_NODES: Record<string, ReadonlyArray<readonly [number, OutputType]>> = {
	sdxl_lighting: [[9, 'image']],
	remove_background_birefnet: [[13, 'image']],
	ask_ai_internal: [[54, 'text']],
	ace_step: [[19, 'audio']],
	animagine_xl: [[267, 'image']],
	animal_clothing: [[48, 'image']],
	auraflow: [[8, 'image']],
	colorful_xl: [[312, 'image']],
	colorful_xl_inpaint: [[312, 'image']],
	comicu_portrait: [[359, 'image']],
	comsmos_predict2_t2i_14b: [[27, 'image']],
	flux1_dev: [[9, 'image']],
	flux1_dev_inpaint: [[30, 'image']],
	flux1_extend: [[9, 'image']],
	flux1_kontext: [[9, 'image']],
	flux1_schnell: [[35, 'image']],
	flux1_schnell_inpaint: [[56, 'image']],
	human_face_detailer: [[138, 'image']],
	hunyuan_3d: [[67, '3d-model']],
	hunyuan_dit: [[267, 'image']],
	hunyuan_img2video: [[98, 'video']],
	juggernaut_lite: [[266, 'image']],
	juggernaut_xl: [[267, 'image']],
	ltxv_img2video: [[41, 'image-animated']],
	ltxv_txt2video: [[41, 'image-animated']],
	mad_scientist: [[17, 'image']],
	memoji_portrait: [[359, 'image']],
	mobius_xl: [[267, 'image']],
	pencil_sketch_portrait: [[36, 'image']],
	photo_stickers: [
		[10, 'image'],
		[79, 'image'],
		[80, 'image'],
		[82, 'image'],
	],
	photo_stickers2: [
		[525, 'image'],
		[579, 'image'],
		[580, 'image'],
		[581, 'image'],
	],
	photomaker_1: [
		[69, 'image'],
		[76, 'image'],
	],
	photomaker_2: [
		[67, 'image'],
		[69, 'image'],
		[236, 'image'],
	],
	pixart_e: [[66, 'image']],
	playground_2_5_aesthetic: [[138, 'image']],
	playground_2_5_prometheus: [[138, 'image']],
	proteus_xl: [[138, 'image']],
	realvis_xl: [[267, 'image']],
	remove_background_birefnet_lite: [[13, 'image']],
	remove_background_bria: [[319, 'image']],
	restore_old_photo: [[136, 'image']],
	sd3_5_large: [[273, 'image']],
	sd3_5_large_8bit: [[273, 'image']],
	sd3_5_medium: [[273, 'image']],
	sketch_pencil: [[9, 'image']],
	sketch_portrait: [[359, 'image']],
	stable_audio_open: [[13, 'audio']],
	stable_cascade: [[86, 'image']],
	supir_upscaler: [[106, 'image']],
	to_ghibli: [[136, 'image']],
	vintage_portrait: [[31, 'image']],
	photomaker_flux1_dev: [[9, 'image']],
};

/** A flow not in OUTPUT_NODES (a newer catalog): one picture from node 9. */
const UNKNOWN_FLOW_OUTPUTS: ReadonlyArray<readonly [number, OutputType]> = [[9, 'image']];

/** The ComfyUI node that saves each kind of file. */
const SAVE_NODES: Record<OutputType, string> = {
	image: 'SaveImage',
	'image-animated': 'SaveAnimatedWEBP',
	video: 'SaveWEBM',
	audio: 'SaveAudio',
	text: 'SaveText|pysssss',
	'3d-model': 'SaveGLB',
};

function generatorFor(flow: string, type: OutputType): BuiltInGenerator {
	switch (type) {
		case 'image':
			return flow.startsWith('remove_background') ? 'background-removal' : 'prompt-image';
		case 'image-animated':
			return 'animated-webp';
		case 'video':
			return 'webm-video';
		case 'audio':
			return 'tone-audio';
		case 'text':
			return 'text-answer';
		case '3d-model':
			return 'glb-model';
	}
}

/** The save nodes as Visionatrix sets them for a task: its files are named `{task_id}_{node_id}_…`. */
function saveNodesGraph(outputs: readonly EmulatedFlowOutput[]): Record<string, unknown> {
	return Object.fromEntries(
		outputs.map(({ comfy_node_id: node, type }) => [
			String(node),
			{
				inputs:
					type === 'text'
						? {
								root_dir: 'output',
								file: `visionatrix/{{task_id}}_${node}_.txt`,
								append: 'overwrite',
							}
						: { filename_prefix: `visionatrix/{{task_id}}_${node}` },
				class_type: SAVE_NODES[type],
				_meta: { title: SAVE_NODES[type] },
			},
		]),
	);
}

/**
 * The list as the server wrote it, from the source text of each number (JSON.parse gives it from
 * Node 21): the number inputs whose step is a whole number (`1`, not `1.0`), ComfyUI INT inputs;
 * and the numbers written as floats, to be written back the same way. Without the source text a
 * whole-number step counts, and floats are written as JavaScript writes them.
 */
function parseInstalledList(text: string): { flows: FlowInfo[]; whole: Set<object> } {
	const whole = new Set<object>();
	const body = (
		JSON.parse(text, function (this: object, key, value: unknown, context?: { source?: string }) {
			if (typeof value !== 'number') return value;
			const source = context?.source;
			if (source !== undefined && /[.eE]/.test(source)) markFloat(this, key);
			if (
				key === 'step' &&
				(source === undefined ? Number.isInteger(value) : /^-?\d+$/.test(source))
			)
				whole.add(this);
			return value;
		}) as { response: { body: FlowInfo[] } }
	).response.body;
	return { flows: body, whole };
}

function emulatedFlow(info: FlowInfo, whole: Set<object>): EmulatedFlow {
	const integerInputs = info.input_params
		.filter((param: FlowInputParam) => whole.has(param))
		.map((param) => param.name);
	const builtIn = builtInFlows.find((flow) => flow.info.name === info.name);
	if (builtIn) return { ...builtIn, info, integerInputs };
	const outputs = (OUTPUT_NODES[info.name] ?? UNKNOWN_FLOW_OUTPUTS).map(
		([node, type]): EmulatedFlowOutput => ({
			comfy_node_id: node,
			type,
			generator: generatorFor(info.name, type),
		}),
	);
	return { info, outputs, comfyGraph: saveNodesGraph(outputs), integerInputs };
}

/** Every published flow, in the order the server lists them; undefined without the recordings. */
export function loadPublishedFlows(dir: string = recordingsDir()): EmulatedFlow[] | undefined {
	const file = join(dir, PUBLISHED_CATALOG_FILE);
	if (!existsSync(file)) return undefined;
	const { flows, whole } = parseInstalledList(readFileSync(file, 'utf8'));
	return flows.map((info) => emulatedFlow(info, whole));
}

/** The published catalog when the recordings are there, else the built-in flows. */
export function publishedOrBuiltInFlows(): EmulatedFlow[] {
	return loadPublishedFlows() ?? [...builtInFlows];
}
