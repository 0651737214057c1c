/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/** Webhook calls made while the emulator's own workers run tasks (compare recordings 90 and 91). */
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { recordedWebhookCalls, testWithRecordings } from '../fixtures/recorded';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';
import { VisionatrixTestClient } from './client';

let emulator: VisionatrixEmulator;
let alice: VisionatrixTestClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 60 });
	alice = new VisionatrixTestClient(emulator.url, '/vapi', {
		username: 'alice',
		password: 'alice',
	});
	receiver = await startWebhookReceiver();
});

afterAll(async () => {
	await emulator?.stop();
	await receiver?.close();
});

beforeEach(() => {
	receiver.calls.length = 0;
});

async function createWithWebhook(url: string, headers = '{"X-Token": "abc"}'): Promise<number> {
	const response = await alice.createTask('sdxl_lighting', [
		['prompt', 'a lighthouse at dusk'],
		['webhook_url', url],
		['webhook_headers', headers],
	]);
	expect(response.status).toBe(200);
	return response.json().tasks_ids[0];
}

describe('a task created with a webhook_url', () => {
	testWithRecordings(
		'notifies {webhook_url}/task-progress at 10, 55.5 and 100, with the given headers, like the recording',
		async () => {
			const taskId = await createWithWebhook(`${receiver.url}/hooks/vix`);
			await alice.waitForTask(taskId);
			const calls = await receiver.waitForCalls(3);
			const recordedCall = recordedWebhookCalls(90).calls[0];
			expect(calls.map((call) => [call.method, call.path])).toEqual(
				Array(3).fill([recordedCall.method, recordedCall.path]),
			);
			for (const call of calls) {
				expect(call.headers['x-token']).toBe('abc');
				expect(call.headers['content-type']).toBe('application/json');
			}
			const bodies = calls.map((call) => JSON.parse(call.bodyRaw));
			expect(bodies.map((body) => [body.task_id, body.progress, body.error])).toEqual([
				[taskId, 10, ''],
				[taskId, 55.5, ''],
				[taskId, 100, ''],
			]);
			expect(Object.keys(bodies[0])).toEqual(Object.keys(recordedCall.body));
			// Floats are written the Python way, like the recorded raw bodies: 10.0, not 10.
			expect(calls[0].bodyRaw).toMatch(
				/^\{"task_id":\d+,"progress":10\.0,"execution_time":\d+\.\d+,"error":""\}$/,
			);
			// Results are stored before 100 is announced.
			const final = (await alice.get(`/tasks/progress/${taskId}`)).json();
			expect(final.outputs[0].batch_size).toBe(1);
		},
	);

	testWithRecordings('a failure is announced as a progress call carrying the error', async () => {
		emulator.failNextTasks(1, 'Fake worker: simulated failure');
		const taskId = await createWithWebhook(`${receiver.url}/hooks/vix/`);
		expect((await alice.waitForTask(taskId)).error).toBe('Fake worker: simulated failure');
		const calls = await receiver.waitForCalls(2);
		expect(calls.map((call) => call.path)).toEqual([
			'/hooks/vix/task-progress',
			'/hooks/vix/task-progress',
		]);
		expect(calls.map((call) => JSON.parse(call.bodyRaw))).toEqual(
			recordedWebhookCalls(91).calls.map((call) => ({
				...call.body,
				task_id: taskId,
				execution_time: expect.any(Number),
			})),
		);
	});

	test('an unreachable receiver does not hold the task up; the failed calls are only logged', async () => {
		const closed = await startWebhookReceiver();
		const deadUrl = closed.url;
		await closed.close();
		const taskId = await createWithWebhook(`${deadUrl}/gone`, '{}');
		expect((await alice.waitForTask(taskId)).progress).toBe(100);
		const deadline = Date.now() + 3000;
		while (
			emulator.webhookDeliveries.filter((d) => d.taskId === taskId && d.failure).length < 3 &&
			Date.now() < deadline
		) {
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		const deliveries = emulator.webhookDeliveries.filter((delivery) => delivery.taskId === taskId);
		expect(
			deliveries.map((delivery) => [
				delivery.body.progress,
				delivery.status,
				typeof delivery.failure,
			]),
		).toEqual([
			[10, null, 'string'],
			[55.5, null, 'string'],
			[100, null, 'string'],
		]);
	});

	test('the task details keep the webhook URL and the parsed headers', async () => {
		const taskId = await createWithWebhook(`${receiver.url}/hooks/vix`);
		const details = (await alice.get(`/tasks/progress/${taskId}`)).json();
		expect(details.webhook_url).toBe(`${receiver.url}/hooks/vix`);
		expect(details.webhook_headers).toEqual({ 'X-Token': 'abc' });
		await alice.waitForTask(taskId);
	});
});
