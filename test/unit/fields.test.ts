import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { forAgentsToo } from '../../nodes/Visionatrix/shared/toolOutput';
import { searchFlows } from '../../nodes/Visionatrix/listSearch/searchFlows';
import { getFlowInputs } from '../../nodes/Visionatrix/resourceMapping/getFlowInputs';
import { builtInFlows, startEmulator, type VisionatrixEmulator } from '../emulator';
import { EVERY_TYPE_FLOW } from '../integration/everyTypeFlow';

let emulator: VisionatrixEmulator;
beforeAll(async () => {
	emulator = await startEmulator({ flows: [...builtInFlows, EVERY_TYPE_FLOW] });
});
afterAll(async () => await emulator.stop());

/** What the editor gives a load-options method: the node's parameters and an authenticated request helper. */
function editorContext(flow: string): ILoadOptionsFunctions {
	return {
		getNode: () => ({
			id: 'n1',
			name: 'Visionatrix',
			type: 'x',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getNodeParameter: (name: string) => (name === 'flow' ? flow : undefined),
		getCredentials: async () => ({
			baseUrl: emulator.url,
			apiVersion: 'current',
			username: 'alice',
			password: 'alice',
		}),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				const url = new URL(`${options.baseURL}${options.url}`);
				const response = await fetch(url, {
					headers: { authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` },
				});
				return { statusCode: response.status, headers: {}, body: await response.json() };
			},
		},
	} as unknown as ILoadOptionsFunctions;
}

describe("the flow's inputs as fields in the editor", () => {
	it('gives each input type its field: string, number, options with the keys, boolean; files take a binary field name', async () => {
		const { fields } = await getFlowInputs.call(editorContext('every_input_type'));
		const byId = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(byId.prompt).toMatchObject({
			type: 'string',
			required: true,
			display: true,
			removed: false,
		});
		expect(byId.strength).toMatchObject({ type: 'number', required: false, defaultValue: 0.5 });
		expect(byId.width).toMatchObject({
			type: 'number',
			displayName: 'Width (64–2048, default 512)',
			defaultValue: 512,
		});
		expect(byId.style).toMatchObject({
			type: 'options',
			options: [
				{ name: 'Photo', value: 'Photo' },
				{ name: 'Anime', value: 'Anime' },
			],
		});
		expect(byId.upscale).toMatchObject({ type: 'boolean', removed: true });
		expect(byId.source).toMatchObject({ type: 'string', required: true, defaultValue: 'data' });
		// A short label; what a file input takes is the Inputs field's hint.
		expect(byId.source.displayName).toBe('Source (File)');
		expect(byId.internal_seed).toMatchObject({ display: false });
		expect(fields.map((f) => f.id)).not.toContain('seed');
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
		// "Add All Inputs" leaves fields empty (nothing sent): the label says what the server then uses.
		expect(Object.fromEntries(fields.map((f) => [f.id, f.displayName]))).toMatchObject({
			steps_number: 'Number of steps (default 8 steps)',
			negative_prompt: 'Negative Prompt (default ugly)',
		});
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
