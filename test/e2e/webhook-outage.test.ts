/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * End to end: a Visionatrix restart during Wait Mode "On Webhook", in a real n8n (`n8n start`, the
 * package linked in) against the emulator. The example workflow (its Manual Trigger swapped for a
 * Webhook trigger) creates a task and looks at it once before putting the execution to wait; the
 * server goes down exactly at that look. Down a few seconds: the look waits for the server and the
 * execution ends with the file. Then the Timeout, with the server's workers away (the task never
 * runs): the check at the Timeout ends the wait with the task's state; and when that check cannot
 * read the task either (a proxy answers 502 for it), n8n's own resume a grace later ends it with
 * the item the node stored, naming the task and how to collect it. Both out of the error output.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type N8nServer, type WorkflowExport } from '../n8n';
import { injectFaults, ROUTES, type VisionatrixEmulator } from '../emulator';
import type { N8nRestClient } from '../n8n/rest';
import { startN8nSession, type N8nSession } from '../n8n/session';
import {
	nodeItems as output,
	startByWebhook,
	tasksOfExecution,
	untilWaiting,
	webhookWaitExample,
} from './webhook-workflows';

const OWNER = { email: 'e2e-outage@visionatrix.local', password: 'Vix-e2e-2026' };
const GENERATE = 'Generate Image';
const PATH = 'vix-webhook-outage';

/** The example, started by a Webhook trigger; the request body gives the prompt and the Timeout. */
function exampleWorkflow(
	credential: { id: string; name: string },
	outputDir: string,
): WorkflowExport {
	return webhookWaitExample({
		credential,
		outputDir,
		name: 'e2e: webhook wait through a restart',
		path: PATH,
		generate: GENERATE,
		inputs: { prompt: '={{ $json.body.prompt }}' },
		options: { timeout: '={{ $json.body.timeout }}', fallbackInterval: 0, pollInterval: 1 },
	});
}

describe('Wait Mode "On Webhook" through a Visionatrix restart, in a real n8n', () => {
	let session: N8nSession | undefined;
	let server: N8nServer;
	let n8n: N8nRestClient;
	let outDir: string;
	let emulator: VisionatrixEmulator;

	/** The server goes down at the first progress read (the wait's first look). */
	const downAtFirstLook = () =>
		injectFaults(emulator).goesDown({ paths: [ROUTES.progress], methods: ['GET'] }).down;

	beforeAll(async () => {
		session = await startN8nSession({
			emulator: { taskDurationMs: 500, workers: 1 },
			owner: OWNER,
			workflows: (credential, out) => [exampleWorkflow(credential, out)],
		});
		({ emulator, outDir } = session);
		({ server, n8n } = await session.start());
	}, 180_000);

	afterAll(async () => await session?.stop());

	test('down for a few seconds at the first look: the look waits for the server, the task finishes meanwhile, the file comes out', async () => {
		const down = downAtFirstLook();
		const id = await startByWebhook(server.url, PATH, {
			prompt: 'a lighthouse through a restart',
			timeout: 60,
		});
		await down;
		const [task] = tasksOfExecution(emulator, id);
		await emulator.waitForTask(task.id);
		// Longer than the few quick tries every read gets.
		await new Promise((resolve) => setTimeout(resolve, 5000));
		await emulator.serveAgain();

		const done = await n8n.waitForEnd(id, 60_000);
		expect(done.status).toBe('success');
		const items = output(done, GENERATE);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			task_id: task.id,
			flow: 'sdxl_lighting',
			node_id: 9,
			batch_index: 0,
		});
		// The file, byte for byte, through n8n's binary data and Write Files to Disk.
		expect(
			readFileSync(join(outDir, `webhook-wait-${task.id}-0.png`)).equals(
				emulator.task(task.id)!.results[0].data,
			),
		).toBe(true);
		expect(tasksOfExecution(emulator, id)).toHaveLength(1);
	}, 120_000);

	test('at the Timeout: the check then ends the wait with the state of a task that never ran; one whose reads all fail ends a grace later, named', async () => {
		emulator.configure({ workers: 0 });
		const checked = await startByWebhook(server.url, PATH, { prompt: 'never runs', timeout: 4 });
		expect((await untilWaiting(n8n, checked, 30_000)).status).toBe('waiting');
		const unread = await startByWebhook(server.url, PATH, { prompt: 'never read', timeout: 4 });
		expect((await untilWaiting(n8n, unread, 30_000)).status).toBe('waiting');
		const [task] = tasksOfExecution(emulator, checked);
		const [hidden] = tasksOfExecution(emulator, unread);
		// From now on a proxy answers 502 for every read of the second task.
		const proxy = injectFaults(emulator).htmlErrorPage({
			status: 502,
			paths: [`/tasks/progress/${hidden.id}`],
		});
		try {
			// The check at the Timeout: a stored Wait, so 70 s after the wait began at the least.
			const done = await n8n.waitForEnd(checked, 150_000);
			expect(done.status).toBe('success');
			expect(output(done, GENERATE, 1).map((item) => item.json.error)).toEqual([
				`Task ${task.id} did not finish within 4 seconds (still queued, not started); it stays queued on the Visionatrix server: get its files later with Get Results, or raise Timeout [item 0]`,
			]);

			// n8n's own resume, 140 s past the Timeout: the item stored at wait time, on the error output.
			const ended = await n8n.waitForEnd(unread, 240_000);
			expect(ended.status).toBe('success');
			expect(proxy.hits).toBeGreaterThan(0);
			const [item] = output(ended, GENERATE, 1);
			expect(item.json.error).toBe(
				`Task ${hidden.id} (flow sdxl_lighting) was not seen done before the wait ended at its Timeout (4 seconds); it may have finished meanwhile: get its files with Get Results (task ID ${hidden.id}) rather than retrying the execution, which creates the task again [item 0]`,
			);
			expect(item.json.details).toMatchObject({ task_id: hidden.id, flow: 'sdxl_lighting' });
			expect(Date.parse(ended.stoppedAt!) - Date.parse(ended.startedAt)).toBeGreaterThanOrEqual(
				144_000,
			);
		} finally {
			proxy();
		}
	}, 300_000);
});
