/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** Server configurations and the emulator's test hooks: auth off, legacy prefix, request log, faults. */
import axios from 'axios';
import { Agent } from 'node:http';

import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { recorded, testWithRecordings } from '../fixtures/recorded';
import { VisionatrixTestClient } from './client';
import { expectRecordedExactly } from './expectations';

const ALICE = { username: 'alice', password: 'alice' };
const running: VisionatrixEmulator[] = [];

async function start(
	options: Parameters<typeof startEmulator>[0] = {},
): Promise<VisionatrixEmulator> {
	const emulator = await startEmulator(options);
	running.push(emulator);
	return emulator;
}

afterAll(async () => {
	await Promise.all(running.map((emulator) => emulator.stop()));
});

describe('a server with authentication turned off', () => {
	test('treats every caller as the built-in admin and ignores any Authorization header', async () => {
		const emulator = await start({ auth: false, workers: 0 });
		const anonymous = new VisionatrixTestClient(emulator.url, '/vapi', null);
		for (const client of [anonymous, anonymous.as({ username: 'alice', password: 'wrong' })]) {
			const response = await client.get('/other/whoami');
			expect(response.status).toBe(200);
			expect(response.json()).toEqual({
				user_id: 'admin',
				full_name: 'John Doe',
				email: 'admin@example.com',
				is_admin: true,
				record_expires_at: null,
			});
		}
		const [taskId] = (await anonymous.createTask('sdxl_lighting', [['prompt', 'x']])).json()
			.tasks_ids;
		expect(emulator.task(taskId)!.userId).toBe('admin');
		expect((await anonymous.get('/no/such/route')).status).toBe(404);
	});

	testWithRecordings('can be switched on at run time, after which the 401 comes back', async () => {
		const emulator = await start({ auth: false, workers: 0 });
		const anonymous = new VisionatrixTestClient(emulator.url, '/vapi', null);
		emulator.configure({ auth: true });
		expectRecordedExactly(await anonymous.get('/other/whoami'), recorded(4));
	});
});

describe('a legacy (1.5–1.6) server', () => {
	testWithRecordings('serves the task routes under /api and answers 404 under /vapi', async () => {
		const emulator = await start({ apiVersion: 'legacy', taskDurationMs: 30 });
		expect(emulator.prefix).toBe('/api');
		const legacy = new VisionatrixTestClient(emulator.url, '/api', ALICE);
		const created = await legacy.createTask('sdxl_lighting', [['prompt', 'old server']]);
		expect(created.status).toBe(200);
		const [taskId] = created.json().tasks_ids;
		expect((await legacy.waitForTask(taskId)).progress).toBe(100);
		expect(
			(await legacy.get('/tasks/results', { query: { task_id: taskId, node_id: 9 } })).status,
		).toBe(200);
		const current = legacy.withPrefix('/vapi');
		const notRouted = await current.get(`/tasks/progress/${taskId}`);
		expect([notRouted.status, notRouted.json()]).toEqual([404, { detail: 'Not Found' }]);
		expectRecordedExactly(await current.as(null).get('/tasks/progress/1'), recorded(96));
	});
});

describe('custom users', () => {
	test('only the configured users can sign in, with their own names and roles', async () => {
		const emulator = await start({
			workers: 0,
			users: [
				{
					username: 'bob',
					password: 's3cret',
					isAdmin: true,
					fullName: 'Bob B',
					email: 'bob@example.org',
				},
			],
		});
		const bob = new VisionatrixTestClient(emulator.url, '/vapi', {
			username: 'bob',
			password: 's3cret',
		});
		expect((await bob.get('/other/whoami')).json()).toEqual({
			user_id: 'bob',
			full_name: 'Bob B',
			email: 'bob@example.org',
			is_admin: true,
			record_expires_at: null,
		});
		expect((await bob.as(ALICE).get('/other/whoami')).status).toBe(401);
	});
});

describe('the request log', () => {
	test('records method, path, query, user, form fields and the answer', async () => {
		const emulator = await start({ workers: 0 });
		const alice = new VisionatrixTestClient(emulator.url, '/vapi', ALICE);
		emulator.clearRequests();
		await alice.createTask('remove_background_birefnet', [
			[
				'input_image',
				{ data: Buffer.from('not really a png'), filename: 'in.png', contentType: 'image/png' },
			],
			['priority', '3'],
		]);
		await alice.get('/tasks/progress-summary', { query: { name: 'remove_background_birefnet' } });
		await alice.as({ username: 'alice', password: 'nope' }).get('/other/whoami');
		expect(
			emulator.requests.map((entry) => [
				entry.method,
				entry.path,
				entry.status,
				entry.authUser,
				entry.claimedUser,
			]),
		).toEqual([
			['PUT', '/vapi/tasks/create/remove_background_birefnet', 200, 'alice', 'alice'],
			['GET', '/vapi/tasks/progress-summary', 200, 'alice', 'alice'],
			['GET', '/vapi/other/whoami', 401, null, 'alice'],
		]);
		expect(emulator.requests[0].formFields).toEqual([
			{ name: 'input_image', filename: 'in.png', contentType: 'image/png', size: 16 },
			{ name: 'priority', value: '3' },
		]);
		expect(emulator.requests[1].query).toEqual({ name: 'remove_background_birefnet' });
		for (const entry of emulator.requests)
			expect(entry.finishedAt).toBeGreaterThanOrEqual(entry.receivedAt);
	});
});

describe('fault injection', () => {
	test('an interceptor can answer in place of the server, and be removed again', async () => {
		const emulator = await start({ workers: 0 });
		const alice = new VisionatrixTestClient(emulator.url, '/vapi', ALICE);
		const remove = emulator.intercept((request) =>
			request.path.endsWith('/whoami')
				? { reply: { status: 503, body: { detail: 'Service Unavailable' } } }
				: undefined,
		);
		const faulty = await alice.get('/other/whoami');
		expect([faulty.status, faulty.json(), faulty.headers['content-type']]).toEqual([
			503,
			{ detail: 'Service Unavailable' },
			'application/json',
		]);
		remove();
		expect((await alice.get('/other/whoami')).status).toBe(200);
	});

	test('an interceptor can drop the connection or delay the answer', async () => {
		const emulator = await start({ workers: 0 });
		const alice = new VisionatrixTestClient(emulator.url, '/vapi', ALICE);
		const remove = emulator.intercept((request) =>
			request.query.drop ? { destroy: true } : { delayMs: 50 },
		);
		await expect(alice.get('/other/whoami', { query: { drop: 1 } })).rejects.toThrow();
		const started = Date.now();
		expect((await alice.get('/other/whoami')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(45);
		remove();
	});
});

describe('stopping', () => {
	test('closes the port and ends the workers', async () => {
		const emulator = await startEmulator({ taskDurationMs: 200 });
		const alice = new VisionatrixTestClient(emulator.url, '/vapi', ALICE);
		await alice.createTask('sdxl_lighting', [['prompt', 'never finishes']]);
		await emulator.stop();
		const freshConnection = { timeout: 2000, httpAgent: new Agent({ keepAlive: false }) };
		await expect(
			axios.get(`${emulator.url}/vapi/other/whoami`, freshConnection),
		).rejects.toMatchObject({
			code: 'ECONNREFUSED',
		});
		// The worker had locked the task; its first report (due at 20 ms) never comes.
		expect(emulator.task(1)!.state).toBe('running');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(emulator.task(1)!.progressHistory).toEqual([]);
	});
});
