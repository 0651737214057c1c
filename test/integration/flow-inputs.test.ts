/**
 * What a user reads when a flow input is wrong: the node's own message with the item, the input's
 * label and id and what to do, before anything is sent; never n8n's check of the fields by their
 * ids, whatever field list an older workflow stored with its values.
 */
import { NodeHelpers, type INode, type INodeParameters } from 'n8n-workflow';

import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';

import { builtInFlows, startEmulator, type VisionatrixEmulator } from '../emulator';
import { EVERY_TYPE_FLOW, INPAINT_FLOW } from './everyTypeFlow';
import { createTask, flow, inputs, run, visionatrix } from './visionatrix';

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({
		taskDurationMs: 60,
		flows: [...builtInFlows, EVERY_TYPE_FLOW, INPAINT_FLOW],
	});
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.clearRequests());

const creates = () => emulator.requests.filter((r) => r.path.startsWith('/vapi/tasks/create/'));

/**
 * The field list as earlier versions of the node stored it beside the values: typed, with the
 * flow's required inputs marked required, which makes n8n check them itself.
 */
const STORED_SCHEMA = [
	{ id: 'prompt', displayName: 'Prompt', type: 'string', required: true },
	{ id: 'width', displayName: 'Width (64–2048, default 512)', type: 'number', required: false },
	{ id: 'upscale', displayName: 'Upscale (default false)', type: 'boolean', required: false },
	{ id: 'source', displayName: 'Source (File)', type: 'string', required: true },
].map((field) => ({ ...field, defaultMatch: false, display: true, canBeUsedToMatch: false }));

function createWith(flowName: string, flowInputs: INodeParameters) {
	return visionatrix('Create', { operation: 'create', flow: flow(flowName), flowInputs });
}

async function failure(flowName: string, flowInputs: INodeParameters) {
	const result = await run(emulator, [createWith(flowName, flowInputs)]);
	expect(result.status).toBe('error');
	expect(creates()).toHaveLength(0);
	return {
		message: result.error!.message,
		description: (result.error as { description?: string }).description,
	};
}

describe('a whole-number input given a fraction', () => {
	it('is refused before anything is sent, with the range to give', async () => {
		expect(
			await failure('every_input_type', {
				...inputs({ prompt: 'x', source: 'data', width: 100.5 }),
			}),
		).toEqual({
			message:
				"Input 'Width' (width) of flow 'every_input_type' must be a whole number, not 100.5 [item 0]",
			description:
				'Give a whole number from 64 to 2048. The server counts it in whole steps and refuses fractions.',
		});
	});

	it('also by expression and for a hidden input (Batch size), while a fraction of a fractional input goes through', async () => {
		const { message } = await failure(
			'sdxl_lighting',
			inputs({ prompt: 'x', batch_size: '={{ 3 / 2 }}' }),
		);
		expect(message).toBe(
			"Input 'Batch size' (batch_size) of flow 'sdxl_lighting' must be a whole number, not 1.5 [item 0]",
		);
		const result = await run(emulator, [
			createTask('Create', 'every_input_type', { prompt: 'x', scale: 1.5 }),
		]);
		// Not refused for its scale: Source is what is missing.
		expect(result.error!.message).toBe(
			"Input 'Source' (source) of flow 'every_input_type' is required [item 0]",
		);
	});
});

describe("n8n's own check of the typed fields never answers instead of the node", () => {
	it('a boolean input given "maybe" by expression names the input by its label', async () => {
		const { message, description } = await failure('every_input_type', {
			mappingMode: 'defineBelow',
			value: { prompt: 'x', source: 'data', upscale: "={{ 'maybe' }}" },
			matchingColumns: [],
			schema: STORED_SCHEMA,
		});
		expect(message).toBe(
			"Input 'Upscale' (upscale) of flow 'every_input_type' must be true or false, not 'maybe' [item 0]",
		);
		expect(description).toBe('Give true or false (yes/no, on/off and 1/0 are read too).');
	});

	it('a number input given words names the input and its range', async () => {
		expect(
			await failure('every_input_type', {
				mappingMode: 'defineBelow',
				value: { prompt: 'x', source: 'data', width: '={{ "wide" }}' },
				matchingColumns: [],
				schema: STORED_SCHEMA,
			}),
		).toEqual({
			message:
				"Input 'Width' (width) of flow 'every_input_type' must be a whole number, not 'wide' [item 0]",
			description: 'Give a whole number from 64 to 2048.',
		});
	});

	it('an empty required input is named by its label, with what it takes', async () => {
		expect(
			await failure('every_input_type', {
				mappingMode: 'defineBelow',
				value: { prompt: null, source: 'data' },
				matchingColumns: [],
				schema: STORED_SCHEMA,
			}),
		).toEqual({
			message: "Input 'Prompt' (prompt) of flow 'every_input_type' is required [item 0]",
			description: 'Fill it in under Inputs, or map it from the incoming item with an expression.',
		});
		expect(
			await failure('inpaint_like', inputs({ source_image: 'data', mask_redraw: '' })),
		).toEqual({
			message: "Input 'Mask redraw' (mask_redraw) of flow 'inpaint_like' is required [item 0]",
			description:
				'Give the name of the binary field that holds the file (for example "data"), or another task\'s output as {"task_id": 1, "node_id": 9}.',
		});
	});
});

describe("the editor's and publishing's check of the node (n8n's node issues)", () => {
	it('finds nothing to say about an empty required input, even with the field list an older version stored: the run says it', () => {
		const { description } = new Visionatrix();
		const node: INode = {
			id: '1',
			name: 'Create',
			type: 'n8n-nodes-visionatrix.visionatrix',
			typeVersion: 1.1,
			position: [0, 0],
			parameters: NodeHelpers.getNodeParameters(
				description.properties,
				{
					resource: 'task',
					operation: 'create',
					flow: flow('every_input_type'),
					flowInputs: {
						mappingMode: 'defineBelow',
						value: { source: 'data' },
						matchingColumns: [],
						schema: STORED_SCHEMA,
					},
				},
				true,
				false,
				null,
				description,
			)!,
		};
		expect(NodeHelpers.getNodeParametersIssues(description.properties, node, description)).toBe(
			null,
		);
	});
});

describe('Flow Inputs stored as null (the fields never loaded)', () => {
	it('counts as no values: the required input is named, nothing fails on the null', async () => {
		const stored = { mappingMode: 'defineBelow', value: null, matchingColumns: [], schema: [] };
		const { message } = await failure('sdxl_lighting', stored);
		expect(message).toBe("Input 'Prompt' (prompt) of flow 'sdxl_lighting' is required [item 0]");
		const withSchema = await failure('every_input_type', { ...stored, schema: STORED_SCHEMA });
		expect(withSchema.message).toBe(
			"Input 'Prompt' (prompt) of flow 'every_input_type' is required [item 0]",
		);
	});

	it('a flow whose inputs all have defaults runs on them', async () => {
		const result = await run(emulator, [
			visionatrix('Create', {
				operation: 'create',
				flow: flow('sdxl_lighting'),
				flowInputs: { mappingMode: 'defineBelow', value: null },
				inputs: { input: [{ name: 'prompt', value: 'a fox' }] },
			}),
		]);
		expect(result.error?.message).toBeUndefined();
		expect(creates()[0].formFields).toEqual([{ name: 'prompt', value: 'a fox' }]);
	});
});
