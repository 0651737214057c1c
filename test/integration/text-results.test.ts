import { TEXT_IN_JSON_MAX_BYTES } from '../../nodes/Visionatrix/shared/results';
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { createTask, getResults, jsonOf, run, waitFor } from './visionatrix';

/**
 * Flows whose output is text (LLM answers, captions, prompt helpers): the text itself is in the
 * item's JSON beside the file, so the next node can use `{{ $json.text }}`.
 */

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 100, workers: 2 });
});
afterAll(async () => await emulator.stop());

/** What the emulator's `ask_ai_internal` answers for a task, byte for byte. */
function answerOf(taskId: number, prompt: string): string {
	return `Emulated answer (seed ${emulator.task(taskId)!.seed}): you asked "${prompt}".\n`;
}

describe('a text flow', () => {
	it.each(['default', 'filesystem'] as const)(
		'Get Results puts the answer in the JSON beside the file (binary data mode %s)',
		async (binaryDataMode) => {
			const prompt = 'Write a haiku about snow';
			const result = await run(
				emulator,
				[createTask('Ask', 'ask_ai_internal', { prompt }), waitFor('Wait'), getResults('Answer')],
				{ binaryDataMode },
			);

			expect(result.status).toBe('success');
			const [answer] = result.outputOf('Answer');
			const taskId = answer.json.task_id as number;
			expect(answer.json).toMatchObject({
				flow: 'ask_ai_internal',
				node_id: 54,
				type: 'text',
				file_name: `${taskId}_54.txt`,
				mime_type: 'text/plain',
				text: answerOf(taskId, prompt),
			});
			expect(answer.json).not.toHaveProperty('text_omitted');
			expect((await result.binaryOf('Answer', 0)).toString('utf8')).toBe(answer.json.text);
		},
	);

	it('Create with Download Results gives the answer too, in each file of All Files in One Item', async () => {
		const prompt = 'Name three colours';
		const result = await run(emulator, [
			createTask('Ask', 'ask_ai_internal', { prompt }, { downloadResults: true }),
			getResults('All In One', { options: { allFilesInOneItem: true } }),
		]);

		expect(result.status).toBe('success');
		const [asked] = jsonOf(result.outputOf('Ask'));
		expect(asked.text).toBe(answerOf(asked.task_id as number, prompt));
		const [combined] = jsonOf(result.outputOf('All In One'));
		expect(combined.files).toEqual([
			expect.objectContaining({ binary_property: 'data_0', type: 'text', text: asked.text }),
		]);
	});

	it('leaves a text larger than the bound in the file only, and says so in the JSON', async () => {
		const big = await startEmulator({
			taskDurationMs: 50,
			outputBytes: TEXT_IN_JSON_MAX_BYTES + 1,
		});
		try {
			const result = await run(big, [
				createTask('Ask', 'ask_ai_internal', { prompt: 'Tell a long story' }),
				waitFor('Wait'),
				getResults('Answer'),
			]);

			expect(result.status).toBe('success');
			const [answer] = jsonOf(result.outputOf('Answer'));
			expect(answer).not.toHaveProperty('text');
			expect(answer.text_omitted).toBe(
				`The text is ${TEXT_IN_JSON_MAX_BYTES + 1} bytes, more than the ${TEXT_IN_JSON_MAX_BYTES} bytes put in the JSON: read it from the file`,
			);
			expect(answer.file_size).toBe(TEXT_IN_JSON_MAX_BYTES + 1);
			expect((await result.binaryOf('Answer', 0)).toString('utf8')).toMatch(
				/^Emulated answer \(seed \d+\): you asked "Tell a long story"\.\n/,
			);
		} finally {
			await big.stop();
		}
	});

	it('keeps image results as they were: no text in their JSON', async () => {
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'a boat' }, { downloadResults: true }),
		]);

		expect(result.status).toBe('success');
		const [image] = jsonOf(result.outputOf('Generate'));
		expect(image.type).toBe('image');
		expect(image).not.toHaveProperty('text');
		expect(image).not.toHaveProperty('text_omitted');
	});
});
