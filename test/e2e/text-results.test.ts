/**
 * End to end: examples/ask-ai-text.json in a real n8n against the emulator. Create Task runs the
 * LLM flow `ask_ai_internal` with Download Results; the next node uses the answer from `$json.text`.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import type { VisionatrixEmulator } from '../emulator/types';
import { loadExample, nodeOutput, prepareWorkflow, type N8nRunData } from '../n8n';
import { runOnEmulator, type EmulatorRun } from '../n8n/session';

const N8N_TIMEOUT_MS = 120_000;
const PROMPT = 'Write a one-line caption for a photo of a lighthouse at dusk';

describe('examples/ask-ai-text.json in a real n8n', () => {
	let session: EmulatorRun | undefined;
	let emulator: VisionatrixEmulator;
	let run: N8nRunData;

	beforeAll(async () => {
		session = await runOnEmulator({
			emulator: { taskDurationMs: 300 },
			workflow: (credential) => prepareWorkflow(loadExample('ask-ai-text.json'), { credential }),
			timeoutMs: N8N_TIMEOUT_MS,
		});
		({ emulator, run } = session);
	}, N8N_TIMEOUT_MS + 60_000);

	afterAll(async () => await session?.stop());

	it('puts the answer of the text flow in the JSON beside its file, and the next node uses it', () => {
		expect(run.status).toBe('success');
		const [task] = emulator.tasks;
		const answer = `Emulated answer (seed ${task.seed}): you asked "${PROMPT}".`;
		const [asked] = nodeOutput(run, 'Ask AI');
		expect(asked.json).toMatchObject({
			task_id: task.id,
			type: 'text',
			file_name: `${task.id}_54.txt`,
			mime_type: 'text/plain',
			text: `${answer}\n`,
		});
		expect(asked.binary?.data).toMatchObject({
			fileName: `${task.id}_54.txt`,
			mimeType: 'text/plain',
		});
		expect(nodeOutput(run, 'Caption').map((item) => item.json.caption)).toEqual([answer]);
	});
});
