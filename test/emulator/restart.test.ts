/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** A server restart (`stopServing` / `serveAgain`) and a reverse proxy in front, over plain HTTP. */
import { request as httpRequest } from 'node:http';

import { startEmulator, startProxy, type VisionatrixEmulator } from '.';
import { startWebhookReceiver } from '../fixtures/webhook-receiver';

const AUTH = `Basic ${Buffer.from('alice:alice').toString('base64')}`;

/** One request; resolves with status and body text, rejects with the network code. */
function call(
	base: string,
	method: string,
	path: string,
	form?: string,
): Promise<{ status: number; type: string; body: string }> {
	const headers: Record<string, string> = { authorization: AUTH, connection: 'close' };
	if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
	return new Promise((resolve, reject) => {
		const req = httpRequest(`${base}/vapi${path}`, { method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () =>
				resolve({
					status: res.statusCode!,
					type: String(res.headers['content-type'] ?? ''),
					body: Buffer.concat(chunks).toString('utf8'),
				}),
			);
		});
		req.on('error', (error: NodeJS.ErrnoException) =>
			reject(Object.assign(new Error(error.code ?? error.message), { code: error.code })),
		);
		req.end(form);
	});
}

const create = async (base: string, prompt: string, extra = '') =>
	(
		JSON.parse(
			(
				await call(
					base,
					'PUT',
					'/tasks/create/sdxl_lighting',
					`prompt=${encodeURIComponent(prompt)}${extra}`,
				)
			).body,
		) as { tasks_ids: number[] }
	).tasks_ids[0];

describe('a restart: stopServing, then serveAgain', () => {
	let emulator: VisionatrixEmulator;
	beforeEach(async () => {
		emulator = await startEmulator({ taskDurationMs: 200, workers: 1 });
	});
	afterEach(async () => await emulator.stop());

	it('refuses connections while down; back on the same port with the same tasks, and the queued ones run once it is back', async () => {
		const done = await create(emulator.url, 'before');
		await emulator.waitForTask(done);
		const url = emulator.url;

		await emulator.stopServing();
		expect(emulator.serving).toBe(false);
		await expect(call(url, 'GET', `/tasks/progress/${done}`)).rejects.toMatchObject({
			code: 'ECONNREFUSED',
		});
		await emulator.serveAgain();
		expect(emulator.url).toBe(url);
		// One worker: the first task runs, the second waits in the queue.
		const running = await create(url, 'running');
		const queued = await create(url, 'queued');

		await emulator.stopServing();
		// Down: the running task finishes (as a separate worker would); the worker takes no new task.
		await emulator.waitForTask(running);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(emulator.task(queued)).toMatchObject({ state: 'queued' });
		await emulator.serveAgain();

		expect(emulator.serving).toBe(true);
		expect((await emulator.waitForTask(queued)).state).toBe('completed');
		const view = JSON.parse((await call(url, 'GET', `/tasks/progress/${done}`)).body) as {
			progress: number;
			input_params: { prompt: string };
		};
		expect(view).toMatchObject({ progress: 100, input_params: { prompt: 'before' } });
	});

	it('a task running when the server goes down finishes; its last webhook call goes out once the server is back', async () => {
		const receiver = await startWebhookReceiver();
		try {
			const taskId = await create(
				emulator.url,
				'running',
				`&webhook_url=${encodeURIComponent(receiver.url)}`,
			);
			await new Promise<void>((resolve) => {
				const check = () =>
					emulator.task(taskId)?.state === 'running' ? resolve() : setTimeout(check, 5);
				check();
			});
			await emulator.stopServing();
			await new Promise((resolve) => setTimeout(resolve, 400));
			expect(emulator.task(taskId)).toMatchObject({ state: 'completed' });
			const whileDown = emulator.webhookDeliveries
				.filter((delivery) => delivery.taskId === taskId)
				.map((delivery) => delivery.body.progress);
			expect(whileDown).not.toContain(100);

			await emulator.serveAgain();
			await new Promise<void>((resolve) => {
				const check = () =>
					emulator.webhookDeliveries.some((d) => d.taskId === taskId && d.body.progress === 100)
						? resolve()
						: setTimeout(check, 5);
				check();
			});
		} finally {
			await receiver.close();
		}
	});
});

describe('a reverse proxy in front', () => {
	it('passes requests through, answers a plain-text 502 while the server is down, and passes them again once it is back', async () => {
		const emulator = await startEmulator({ taskDurationMs: 50 });
		const proxy = await startProxy(emulator.url);
		try {
			const taskId = await create(proxy.url, 'through the proxy');
			expect(emulator.task(taskId)).toBeDefined();

			await emulator.stopServing();
			expect(await call(proxy.url, 'GET', `/tasks/progress/${taskId}`)).toEqual({
				status: 502,
				type: 'text/plain; charset=utf-8',
				body: 'Bad Gateway',
			});
			expect(proxy.downAnswers).toBe(1);

			await emulator.serveAgain();
			const answer = await call(proxy.url, 'GET', `/tasks/progress/${taskId}`);
			expect(answer.status).toBe(200);
			expect(JSON.parse(answer.body)).toMatchObject({
				task_id: taskId,
				input_params: { prompt: 'through the proxy' },
			});
		} finally {
			await proxy.stop();
			await emulator.stop();
		}
	});
});
