import type { IExecuteFunctions } from 'n8n-workflow';

import { forAgentsToo } from '../../nodes/Visionatrix/shared/toolOutput';
import { searchFlows } from '../../nodes/Visionatrix/listSearch/searchFlows';
import { getFlowInputs } from '../../nodes/Visionatrix/resourceMapping/getFlowInputs';
import { builtInFlows, startEmulator, type VisionatrixEmulator } from '../emulator';
import { editorContext as editorContextOf } from '../integration/editorContext';
import { EVERY_TYPE_FLOW, INPAINT_FLOW, TWO_PHOTOS_FLOW } from '../integration/everyTypeFlow';

let emulator: VisionatrixEmulator;
beforeAll(async () => {
	emulator = await startEmulator({
		flows: [...builtInFlows, EVERY_TYPE_FLOW, INPAINT_FLOW, TWO_PHOTOS_FLOW],
	});
});
afterAll(async () => await emulator.stop());

const editorContext = (flow: string) => editorContextOf(emulator, flow);

describe("the flow's inputs as fields in the editor", () => {
	it('gives each input type its field: string, number, options with the keys, boolean; files take a binary field name', async () => {
		const { fields } = await getFlowInputs.call(editorContext('every_input_type'));
		const byId = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(byId.prompt).toMatchObject({ type: 'string', display: true, removed: false });
		expect(byId.strength).toMatchObject({ type: 'number', defaultValue: 0.5 });
		expect(byId.width).toMatchObject({ type: 'number', defaultValue: 512 });
		expect(byId.style).toMatchObject({
			type: 'options',
			options: [
				{ name: 'Photo', value: 'Photo' },
				{ name: 'Anime', value: 'Anime' },
			],
		});
		expect(byId.upscale).toMatchObject({ type: 'boolean', removed: true });
		expect(byId.source).toMatchObject({ type: 'string', defaultValue: 'data' });
		expect(byId.internal_seed).toMatchObject({ display: false });
		expect(fields.map((f) => f.id)).not.toContain('seed');
	});

	it('labels each input with its name only, "(File)" for a file and "*" when it needs a value; n8n checks none of them itself', async () => {
		const { fields } = await getFlowInputs.call(editorContext('every_input_type'));
		expect(Object.fromEntries(fields.map((f) => [f.id, f.displayName]))).toEqual({
			prompt: 'Prompt *',
			strength: 'Strength',
			width: 'Width',
			scale: 'Scale',
			style: 'Style',
			upscale: 'Upscale',
			source: 'Source (File) *',
			mask: 'Mask (File)',
			clip: 'Clip (File)',
			internal_seed: 'Internal seed',
		});
		// n8n's own check of a required field names it by id and stops the run: the node checks instead.
		expect(fields.filter((f) => f.required)).toEqual([]);
		const sdxl = await getFlowInputs.call(editorContext('sdxl_lighting'));
		expect(Object.fromEntries(sdxl.fields.map((f) => [f.id, f.displayName]))).toMatchObject({
			prompt: 'Prompt *',
			steps_number: 'Number of steps',
			negative_prompt: 'Negative Prompt',
		});
		// The default is what the field holds when it is shown, not part of its label.
		expect(sdxl.fields.find((f) => f.id === 'negative_prompt')).toMatchObject({
			defaultValue: 'ugly',
		});
	});

	it('starts only the one required picture at "data": never a mask, a second picture or an optional one', async () => {
		const startValues = async (flow: string) =>
			Object.fromEntries(
				(await getFlowInputs.call(editorContext(flow))).fields.map((f) => [f.id, f.defaultValue]),
			);
		expect(await startValues('inpaint_like')).toEqual({
			source_image: 'data',
			mask_redraw: undefined,
			style_image: undefined,
		});
		expect(await startValues('two_photos')).toEqual({
			person_image: undefined,
			style_image: undefined,
		});
		expect(await startValues('remove_background_birefnet')).toEqual({ input_image: 'data' });
	});

	it('adds seed, count and translation only for flows that support them', async () => {
		const { fields } = await getFlowInputs.call(editorContext('sdxl_lighting'));
		expect(
			fields
				.filter((f) => ['seed', 'count', 'translate'].includes(f.id))
				.map((f) => [f.id, f.type]),
		).toEqual([
			['seed', 'number'],
			['count', 'number'],
			['translate', 'options'],
		]);
		const none = await getFlowInputs.call(editorContext('remove_background_birefnet'));
		expect(none.fields.map((f) => f.id)).toEqual(['input_image']);
	});

	it("offers Translate Prompt as the server's default, on or off, and starts at the server's default", async () => {
		const { fields } = await getFlowInputs.call(editorContext('sdxl_lighting'));
		const translate = fields.find((f) => f.id === 'translate')!;
		expect(translate).toMatchObject({ type: 'options', removed: true, defaultValue: 'default' });
		expect(translate.options!.map((o) => [o.name, o.value])).toEqual([
			["Server's Default (Not Sent)", 'default'],
			['On', 'on'],
			['Off', 'off'],
		]);
	});

	it('says so when the flow is not installed', async () => {
		expect(await getFlowInputs.call(editorContext('nope'))).toEqual({
			fields: [],
			emptyFieldsNotice: "Flow 'nope' is not installed on this Visionatrix server",
		});
	});

	it("given a flow's display name or a typo of its id, names the flow id it probably meant", async () => {
		for (const typed of ['SDXL Lighting', 'sdxl_lightning', 'sdxl-lighting'])
			expect((await getFlowInputs.call(editorContext(typed))).emptyFieldsNotice).toBe(
				`Flow '${typed}' is not installed on this Visionatrix server: did you mean sdxl_lighting (SDXL Lighting)?`,
			);
	});

	it('the flow picker searches id and display name, and leaves out hidden flows', async () => {
		const all = await searchFlows.call(editorContext(''));
		expect(all.results.map((r) => r.value)).not.toContain('ask_ai_internal');
		const found = await searchFlows.call(editorContext(''), 'background');
		expect(found.results).toEqual([
			expect.objectContaining({
				value: 'remove_background_birefnet',
				name: 'Remove background (BiRefNet) (remove_background_birefnet)',
			}),
		]);
	});
});

describe('as an AI agent tool', () => {
	const operation = async () => [
		[
			{
				json: { task_id: 1, file_name: '1_9_00001.png', file_size: 82 },
				binary: { data: { data: 'x', mimeType: 'image/png' } },
			},
		],
	];

	it('returns what an agent can read, without the binary data', async () => {
		const asTool = await forAgentsToo(operation).call({
			isToolExecution: () => true,
		} as unknown as IExecuteFunctions);
		expect(asTool).toEqual([
			[
				{
					json: {
						task_id: 1,
						status: 'completed',
						files: [{ file_name: '1_9_00001.png', file_size: 82 }],
					},
				},
			],
		]);
	});

	it('keeps the files in a workflow', async () => {
		const inWorkflow = await forAgentsToo(operation).call({
			isToolExecution: () => false,
			getNode: () => ({}),
		} as unknown as IExecuteFunctions);
		expect(inWorkflow[0][0].binary).toBeDefined();
	});
});
