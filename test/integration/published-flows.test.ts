/**
 * Every flow of the published Visionatrix 2.7 catalog, through n8n's engine against the emulator
 * serving the catalog as a server with all of them installed lists it (recording 14): the fields
 * the node shows for its inputs, a Create with the inputs that need a value filled (pictures from
 * the incoming item), and the files that come out, of each kind, count × batch of them.
 */
import type { ResourceMapperField } from 'n8n-workflow';

import { getFlowInputs } from '../../nodes/Visionatrix/resourceMapping/getFlowInputs';
import {
	encodePng,
	loadPublishedFlows,
	startEmulator,
	type EmulatedFlow,
	type FlowInputParam,
	type VisionatrixEmulator,
} from '../emulator';
import { describeWithRecordings } from '../fixtures/recorded';
import { SET_BINARY_TYPE } from '../harness';
import { editorContext } from './editorContext';
import { flow, inputs, run, visionatrix } from './visionatrix';

const published = loadPublishedFlows() ?? [];
let emulator: VisionatrixEmulator;

const FILE_TYPES = ['image', 'image-mask', 'video'];
const FIELD_TYPES: Record<string, string> = {
	text: 'string',
	range: 'number',
	range_scale: 'number',
	number: 'number',
	list: 'options',
	bool: 'boolean',
};
/** What a user checks of a file of each output kind: its MIME type, extension and first bytes. */
const FILE_KINDS: Record<
	string,
	{ mime: string; extension: string; magic: (data: Buffer) => boolean }
> = {
	image: {
		mime: 'image/png',
		extension: 'png',
		magic: (data) => data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
	},
	'image-animated': {
		mime: 'image/webp',
		extension: 'webp',
		magic: (data) =>
			data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 16) === 'WEBPVP8X',
	},
	video: {
		mime: 'video/webm',
		extension: 'webm',
		magic: (data) => data.readUInt32BE(0) === 0x1a45dfa3 && data.includes('webm'),
	},
	audio: {
		mime: 'audio/flac',
		extension: 'flac',
		magic: (data) => data.toString('latin1', 0, 4) === 'fLaC',
	},
	'3d-model': {
		mime: 'model/gltf-binary',
		extension: 'glb',
		magic: (data) => data.toString('latin1', 0, 4) === 'glTF' && data.readUInt32LE(4) === 2,
	},
	text: { mime: 'text/plain', extension: 'txt', magic: (data) => data.length > 0 },
};

const isFile = (param: FlowInputParam) => FILE_TYPES.includes(param.type);
const hasDefault = (param: FlowInputParam) => param.default !== undefined && param.default !== '';
/** The inputs a user must fill: not optional, and (a file always) without a default. */
const needsValue = (param: FlowInputParam) =>
	!param.optional && (isFile(param) || !hasDefault(param));

/** A value a user would give each input that needs one; every file input gets the item's picture. */
function valueFor(param: FlowInputParam): string | number | boolean {
	if (isFile(param)) return 'data';
	if (param.type === 'list') return Object.keys(param.options ?? {})[0];
	if (param.type === 'bool') return true;
	if (FIELD_TYPES[param.type] === 'number') return param.min ?? 1;
	return 'a lighthouse at dusk';
}

const picture = encodePng({
	width: 32,
	height: 32,
	data: new Uint8Array(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256)),
});

beforeAll(async () => {
	if (published.length === 0) return;
	emulator = await startEmulator({ flows: published, taskDurationMs: 20, workers: 4 });
});
afterAll(async () => await emulator?.stop());

describeWithRecordings('the published catalog as the emulator serves it', () => {
	test('has every flow of the recording, with every input type the catalog uses', () => {
		expect(published).toHaveLength(52);
		const params = published.flatMap((f) => f.info.input_params);
		expect(params).toHaveLength(248);
		expect(new Set(params.map((p) => p.type))).toEqual(
			new Set(['text', 'range', 'range_scale', 'list', 'bool', 'image', 'image-mask']),
		);
		expect(new Set(published.flatMap((f) => f.outputs.map((o) => o.type)))).toEqual(
			new Set(Object.keys(FILE_KINDS)),
		);
	});
});

/** The fields: a short label (the input's name, "(File)", "*" when it needs a value), its widget, its choices. */
async function expectFields(emulated: EmulatedFlow): Promise<void> {
	const { fields } = await getFlowInputs.call(editorContext(emulator, emulated.info.name));
	const byId = new Map<string, ResourceMapperField>(fields.map((field) => [field.id, field]));
	const pictures = emulated.info.input_params.filter((p) => p.type === 'image' && needsValue(p));
	for (const param of emulated.info.input_params) {
		const field = byId.get(param.name);
		const label = `${param.display_name}${isFile(param) ? ' (File)' : ''}${needsValue(param) ? ' *' : ''}`;
		expect(field).toMatchObject({
			displayName: label,
			type: FIELD_TYPES[param.type] ?? 'string',
			display: !param.hidden,
			required: false,
		});
		if (param.type === 'list')
			expect(field!.options!.map((o) => o.value)).toEqual(Object.keys(param.options!));
		// Only the flow's one required picture starts at "data"; a default shows in the field.
		const prefilled = pictures.length === 1 && pictures[0] === param;
		expect(field!.defaultValue).toEqual(
			prefilled ? 'data' : isFile(param) || !hasDefault(param) ? undefined : param.default,
		);
	}
}

/** Files per task: each output node's; pictures come in a batch. */
function filesPerTask(emulated: EmulatedFlow, batch: number): number {
	return emulated.outputs.reduce((sum, output) => sum + (output.type === 'image' ? batch : 1), 0);
}

async function expectCreate(emulated: EmulatedFlow): Promise<void> {
	const { info } = emulated;
	const values: Record<string, string | number | boolean> = {};
	for (const param of info.input_params)
		if (needsValue(param)) values[param.name] = valueFor(param);
	const batchInput = info.input_params.find((p) => p.name === 'batch_size');
	const batch = batchInput ? 2 : 1;
	if (batchInput) values.batch_size = batch;
	const count = info.is_count_supported ? 2 : 1;
	if (count > 1) values.count = count;
	const withPicture = info.input_params.some(isFile);
	const result = await run(emulator, [
		...(withPicture
			? [
					{
						name: 'Photo',
						type: SET_BINARY_TYPE,
						parameters: {
							fileName: 'photo.png',
							mimeType: 'image/png',
							base64: picture.toString('base64'),
						},
					},
				]
			: []),
		visionatrix(
			'Create',
			{
				operation: 'create',
				flow: flow(info.name),
				flowInputs: inputs(values),
				options: { pollInterval: 0.2 },
			},
			{ typeVersion: 1.1 },
		),
	]);
	expect(result.error?.message).toBeUndefined();
	const files = result.outputOf('Create');
	expect(files).toHaveLength(count * filesPerTask(emulated, batch));
	expect(new Set(files.map((file) => file.json.task_id)).size).toBe(count);
	for (const [index, file] of files.entries()) {
		const kind = FILE_KINDS[file.json.type as string];
		expect(file.json).toMatchObject({ flow: info.name, mime_type: kind.mime });
		expect(file.json.file_name).toMatch(
			new RegExp(`^${file.json.task_id}_${file.json.node_id}(_\\d{5})?\\.${kind.extension}$`),
		);
		const data = await result.binaryOf('Create', index);
		expect(kind.magic(data)).toBe(true);
		if (file.json.type === 'text') expect(file.json.text).toBe(data.toString('utf8'));
	}
}

// Without the recordings there are no published flows: the block above is skipped and says so.
if (published.length > 0)
	describe.each(published.map((emulated) => [emulated.info.name, emulated] as const))(
		'flow %s',
		(_, emulated) => {
			test('shows its inputs as fields', async () => await expectFields(emulated));
			test('creates its tasks with the inputs that need a value, and gives their files', async () =>
				await expectCreate(emulated));
		},
	);
