/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * The emulator's webhook calls go where the real server's go: Visionatrix posts with httpx's
 * `AsyncClient(base_url=webhook_url).post("task-progress")`, and a call that is lost is not retried.
 */
import { startEmulator, type VisionatrixEmulator } from '.';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';
import { DROPPED, taskProgressUrl } from './webhook';

describe('taskProgressUrl joins task-progress to the webhook URL as httpx does', () => {
	// Expected values printed by httpx 0.28.1: str(AsyncClient(base_url=b).build_request("POST", "task-progress").url)
	test.each([
		['http://h/hooks/vix', 'http://h/hooks/vix/task-progress'],
		['http://h/hooks/vix/', 'http://h/hooks/vix/task-progress'],
		['http://h', 'http://h/task-progress'],
		// A query string is part of httpx's raw path: the suffix lands inside it.
		[
			'http://h:5678/webhook-waiting/12?signature=ABC',
			'http://h:5678/webhook-waiting/12?signature=ABC/task-progress',
		],
		['http://h/p/?a=1', 'http://h/p/?a=1/task-progress'],
		['http://h/p?a=1&b=2', 'http://h/p?a=1&b=2/task-progress'],
		['http://h/p?a=b%2Fc', 'http://h/p?a=b%2Fc/task-progress'],
		['http://h/p?a=1/', 'http://h/p?a=1/task-progress'],
		['http://h/p?', 'http://h/p?/task-progress'],
		['http://h/p#frag', 'http://h/p/task-progress#frag'],
	])('%s → %s', (base, expected) => {
		expect(taskProgressUrl(base).href).toBe(expected);
	});

	test("n8n's resume URL keeps its token, with task-progress after it, where n8n looks for it", () => {
		const target = taskProgressUrl('http://127.0.0.1:5678/webhook-waiting/42?signature=0a1b2c');
		expect(target.pathname).toBe('/webhook-waiting/42');
		expect(target.searchParams.get('signature')).toBe('0a1b2c/task-progress');
	});
});

describe('calls a receiver gets, and calls lost on the way', () => {
	let emulator: VisionatrixEmulator;
	let receiver: WebhookReceiver;

	beforeAll(async () => {
		emulator = await startEmulator({ taskDurationMs: 60, auth: false });
		receiver = await startWebhookReceiver();
	});

	afterAll(async () => {
		await emulator?.stop();
		await receiver?.close();
	});

	async function createTask(webhookUrl: string): Promise<number> {
		const form = new FormData();
		form.append('prompt', 'a lighthouse');
		form.append('webhook_url', webhookUrl);
		const response = await fetch(`${emulator.url}/vapi/tasks/create/sdxl_lighting`, {
			method: 'PUT',
			body: form,
		});
		expect(response.status).toBe(200);
		return ((await response.json()) as { tasks_ids: number[] }).tasks_ids[0];
	}

	async function deliveriesOf(taskId: number, count: number) {
		const deadline = Date.now() + 5000;
		for (;;) {
			const mine = emulator.webhookDeliveries.filter(
				(d) => d.taskId === taskId && (d.status !== null || d.failure !== null),
			);
			if (mine.length >= count || Date.now() > deadline) return mine;
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	test('a webhook URL with a query string is called with task-progress inside the query', async () => {
		receiver.calls.length = 0;
		const taskId = await createTask(`${receiver.url}/webhook-waiting/7?signature=T0K3N`);
		await emulator.waitForTask(taskId);
		const calls = await receiver.waitForCalls(3);
		expect(calls.map((call) => call.path)).toEqual(
			Array(3).fill('/webhook-waiting/7?signature=T0K3N/task-progress'),
		);
	});

	test('a dropped call is recorded with its failure and never reaches the receiver; the others go out', async () => {
		receiver.calls.length = 0;
		const stopDropping = emulator.dropWebhookCalls((call) => call.progress >= 100);
		try {
			const taskId = await createTask(`${receiver.url}/hooks`);
			await emulator.waitForTask(taskId);
			const deliveries = await deliveriesOf(taskId, 3);
			expect(deliveries.map((d) => [d.body.progress, d.status, d.failure])).toEqual([
				[10, 200, null],
				[55.5, 200, null],
				[100, null, DROPPED],
			]);
			const bodies = receiver.calls.map(
				(call) => JSON.parse(call.bodyRaw) as { task_id: number; progress: number },
			);
			expect(bodies.filter((body) => body.task_id === taskId).map((body) => body.progress)).toEqual(
				[10, 55.5],
			);
		} finally {
			stopDropping();
		}
		// Removed: the next task's final call goes out again.
		const next = await createTask(`${receiver.url}/hooks`);
		await emulator.waitForTask(next);
		expect((await deliveriesOf(next, 3)).map((d) => d.failure)).toEqual([null, null, null]);
	});
});
