/**
 * End to end: examples/ask-ai-text.json in a real n8n against the emulator. Create Task runs the
 * LLM flow `ask_ai_internal` with Download Results; the next node uses the answer from `$json.text`.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import { startEmulator } from '../emulator';
import type { VisionatrixEmulator } from '../emulator/types';
import { loadExample, locateN8n, nodeOutput, prepareWorkflow, runWorkflowOnce, visionatrixCredential, type N8nRunData } from '../n8n';

const N8N_TIMEOUT_MS = 120_000;
const PROMPT = 'Write a one-line caption for a photo of a lighthouse at dusk';

describe('examples/ask-ai-text.json in a real n8n', () => {
	let emulator: VisionatrixEmulator | undefined;
	let run: N8nRunData;

	beforeAll(async () => {
		locateN8n();
		emulator = await startEmulator({ taskDurationMs: 300 });
		const credential = visionatrixCredential({ baseUrl: emulator.url, username: 'admin', password: 'admin' });
		const workflow = prepareWorkflow(loadExample('ask-ai-text.json'), { credential });
		run = (await runWorkflowOnce({ workflow, credentials: [credential], timeoutMs: N8N_TIMEOUT_MS })).run;
	}, N8N_TIMEOUT_MS + 60_000);

	afterAll(async () => await emulator?.stop());

	it('puts the answer of the text flow in the JSON beside its file, and the next node uses it', () => {
		expect(run.status).toBe('success');
		const [task] = emulator!.tasks;
		const answer = `Emulated answer (seed ${task.seed}): you asked "${PROMPT}".`;
		const [asked] = nodeOutput(run, 'Ask AI');
		expect(asked.json).toMatchObject({ task_id: task.id, type: 'text', file_name: `${task.id}_54_00001.txt`, mime_type: 'text/plain', text: `${answer}\n` });
		expect(asked.binary?.data).toMatchObject({ fileName: `${task.id}_54_00001.txt`, mimeType: 'text/plain' });
		expect(nodeOutput(run, 'Caption').map((item) => item.json.caption)).toEqual([answer]);
	});
});
