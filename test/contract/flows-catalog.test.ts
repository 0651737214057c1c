/** The installed-flows list, compared byte for byte with what a 2.7 server returned. */
import {
	builtInFlows,
	loadPublishedFlows,
	REMOVE_BACKGROUND_BIREFNET,
	SDXL_LIGHTING,
	startEmulator,
	type VisionatrixEmulator,
} from '../emulator';
import { recorded, testWithRecordings } from '../fixtures/recorded';
import { VisionatrixTestClient } from './client';
import { expectRecordedExactly, expectRecordedJson } from './expectations';

const ALICE = { username: 'alice', password: 'alice' };
const running: VisionatrixEmulator[] = [];

async function clientFor(
	options: Parameters<typeof startEmulator>[0],
): Promise<VisionatrixTestClient> {
	const emulator = await startEmulator(options);
	running.push(emulator);
	return new VisionatrixTestClient(emulator.url, emulator.prefix, ALICE);
}

afterAll(async () => {
	await Promise.all(running.map((emulator) => emulator.stop()));
});

describe('listing installed flows', () => {
	testWithRecordings(
		'alice sees the two image flows exactly as the server listed them before any worker connected (08)',
		async () => {
			const client = await clientFor({
				workers: 0,
				flows: [SDXL_LIGHTING, REMOVE_BACKGROUND_BIREFNET],
			});
			expectRecordedExactly(await client.get('/flows/installed'), recorded(8));
		},
	);

	testWithRecordings(
		'with the media flows installed too, the list matches the five-flow recording (12)',
		async () => {
			const client = await clientFor({ workers: 0 });
			expectRecordedExactly(await client.get('/flows/installed'), recorded(12));
		},
	);

	testWithRecordings(
		'with every published flow installed, the list matches the full-catalog recording (14)',
		async () => {
			const client = await clientFor({ workers: 0, flows: loadPublishedFlows() });
			// Not its size: the recorded content-length (203,828) is not that of the recorded body as the
			// server writes JSON (190,306 bytes; 08 and 12 match theirs).
			expectRecordedJson(await client.get('/flows/installed'), recorded(14));
		},
	);

	testWithRecordings("the built-in flows are the published catalog's, input for input", () => {
		const published = new Map(loadPublishedFlows()!.map((flow) => [flow.info.name, flow.info]));
		for (const flow of builtInFlows) expect(published.get(flow.info.name)).toEqual(flow.info);
	});

	testWithRecordings(
		"a number input is a whole number when the list writes its step as one: Ace Step's length (step 1.0) takes 45.5, its steps (step 1) do not",
		async () => {
			const client = await clientFor({ workers: 0, flows: loadPublishedFlows() });
			const create = (fields: Array<[string, string]>) =>
				client.createTask('ace_step', [['lyrics', 'la la'], ['prompt', 'x'], ...fields]);
			expect((await create([['length', '45.5']])).status).toBe(200);
			const refused = await create([['steps_count', '50.5']]);
			expect(refused.status).toBe(400);
			expect(refused.json().detail).toMatch(
				/^Bad Flow: `\{'type': 'prompt_outputs_failed_validation'/,
			);
			expect((await create([['steps_count', '50']])).status).toBe(200);
		},
	);

	test('once workers are running, every built-in flow is reported as supported by them', async () => {
		const client = await clientFor({ workers: 1 });
		const flows = (await client.get('/flows/installed')).json() as Array<{
			name: string;
			is_supported_by_workers: boolean;
		}>;
		expect(flows.map((flow) => [flow.name, flow.is_supported_by_workers])).toEqual([
			['sdxl_lighting', true],
			['remove_background_birefnet', true],
			['ask_ai_internal', true],
			['stable_audio_open', true],
			['ltxv_txt2video', true],
		]);
	});

	test('every input parameter in the list names its form field, type and default', async () => {
		const client = await clientFor({ workers: 0 });
		const flows = (await client.get('/flows/installed')).json() as Array<{
			name: string;
			input_params: Array<Record<string, unknown>>;
		}>;
		const sdxl = flows.find((flow) => flow.name === 'sdxl_lighting')!;
		expect(
			sdxl.input_params.map((param) => [param.name, param.type, param.optional, param.default]),
		).toEqual([
			['prompt', 'text', false, ''],
			['steps_number', 'list', true, '8 steps'],
			['negative_prompt', 'text', true, 'ugly'],
			['batch_size', 'range', true, 1],
		]);
		expect(flows.find((flow) => flow.name === 'ask_ai_internal')).toMatchObject({ hidden: true });
	});
});
