/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** The `truncate` interceptor action, `failTask` / `deleteTask`, and the fault injectors of `faults.ts`, over plain HTTP. */
import { request as httpRequest } from 'node:http';

import {
	DEFAULT_FAILURE_MESSAGE,
	injectFaults,
	ROUTES,
	seededRandom,
	startEmulator,
	type VisionatrixEmulator,
} from '.';

const AUTH = `Basic ${Buffer.from('alice:alice').toString('base64')}`;

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** Why the body did not arrive whole ('aborted', …), or null. */
	brokenOff: string | null;
}

/** One request with node:http (`form`: an urlencoded body); a connection dropped before any answer rejects with its code. */
function call(
	emulator: VisionatrixEmulator,
	method: string,
	path: string,
	form?: string,
): Promise<Answer> {
	const headers: Record<string, string> = { authorization: AUTH, connection: 'close' };
	if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			`${emulator.url}${emulator.prefix}${path}`,
			{ method, headers },
			(res) => {
				const chunks: Buffer[] = [];
				let settled = false;
				const finish = (brokenOff: string | null) => {
					if (settled) return;
					settled = true;
					resolve({
						status: res.statusCode!,
						headers: res.headers,
						body: Buffer.concat(chunks),
						brokenOff,
					});
				};
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => finish(res.complete ? null : 'incomplete'));
				res.on('error', (error: Error) => finish(error.message));
				res.on('close', () => finish(res.complete ? null : 'closed'));
			},
		);
		req.on('error', (error: NodeJS.ErrnoException) =>
			reject(Object.assign(new Error(error.code ?? error.message), { code: error.code })),
		);
		req.end(form);
	});
}

async function createTask(emulator: VisionatrixEmulator, prompt = 'x'): Promise<number> {
	const answer = await call(
		emulator,
		'PUT',
		'/tasks/create/sdxl_lighting',
		`prompt=${encodeURIComponent(prompt)}`,
	);
	return (JSON.parse(answer.body.toString()) as { tasks_ids: number[] }).tasks_ids[0];
}

let emulator: VisionatrixEmulator;

beforeEach(async () => {
	emulator = await startEmulator({ taskDurationMs: 40 });
});
afterEach(async () => await emulator.stop());

describe('the truncate action', () => {
	it('sends the real headers with the full Content-Length, then only the first bytes, then drops the connection', async () => {
		const taskId = await createTask(emulator);
		const task = await emulator.waitForTask(taskId);
		const stored = task.results[0].data;
		const remove = emulator.intercept((request) =>
			request.path.endsWith('/tasks/results') ? { truncate: { keepBytes: 100 } } : undefined,
		);

		const cut = await call(
			emulator,
			'GET',
			`/tasks/results?task_id=${taskId}&node_id=9&batch_index=0`,
		);
		expect(cut.status).toBe(200);
		expect(cut.headers['content-type']).toBe('image/png');
		expect(cut.headers['content-length']).toBe(String(stored.length));
		expect(cut.body).toEqual(stored.subarray(0, 100));
		expect(cut.brokenOff).not.toBeNull();
		const entry = emulator.requests.at(-1)!;
		expect(entry).toMatchObject({ status: 200, truncatedAt: 100 });

		remove();
		const whole = await call(
			emulator,
			'GET',
			`/tasks/results?task_id=${taskId}&node_id=9&batch_index=0`,
		);
		expect(whole).toMatchObject({ status: 200, brokenOff: null });
		expect(whole.body).toEqual(stored);
		expect(emulator.requests.at(-1)!.truncatedAt).toBeUndefined();
	});

	it('with keepBytes 0 the server still acts on the request, and its answer is lost', async () => {
		emulator.intercept((request) =>
			request.method === 'PUT' ? { truncate: { keepBytes: 0 } } : undefined,
		);
		const answer = await call(emulator, 'PUT', '/tasks/create/sdxl_lighting', 'prompt=x');
		expect(answer).toMatchObject({
			status: 200,
			body: Buffer.alloc(0),
			brokenOff: expect.any(String),
		});
		expect(emulator.requests.at(-1)).toMatchObject({ method: 'PUT', status: 200, truncatedAt: 0 });
		expect(emulator.tasks.map((task) => task.flow)).toEqual(['sdxl_lighting']);
	});

	it('leaves an answer whose body is not longer than keepBytes whole', async () => {
		emulator.intercept(() => ({ truncate: { keepBytes: 10_000 } }));
		const answer = await call(emulator, 'GET', '/other/whoami');
		expect(answer).toMatchObject({ status: 200, brokenOff: null });
		expect(JSON.parse(answer.body.toString())).toMatchObject({ user_id: 'alice' });
	});
});

describe('failTask and deleteTask', () => {
	it('failTask fails an unfinished task with the message, keeping its progress; refuses a finished one', async () => {
		const paused = await startEmulator({ workers: 0 });
		try {
			const taskId = await createTask(paused);
			const failed = paused.failTask(taskId);
			expect(failed).toMatchObject({
				state: 'failed',
				error: DEFAULT_FAILURE_MESSAGE,
				progress: 0,
			});
			const progress = JSON.parse(
				(await call(paused, 'GET', `/tasks/progress/${taskId}`)).body.toString(),
			);
			expect(progress).toMatchObject({ task_id: taskId, error: DEFAULT_FAILURE_MESSAGE });
			expect(() => paused.failTask(taskId)).toThrow(`Task ${taskId} is already failed`);
			expect(() => paused.failTask(999)).toThrow('There is no task 999');
		} finally {
			await paused.stop();
		}
	});

	it('failTask stops a running task: it never completes', async () => {
		emulator.configure({ taskDurationMs: 400 });
		const taskId = await createTask(emulator);
		while (emulator.task(taskId)!.progress < 10)
			await new Promise((resolve) => setTimeout(resolve, 5));
		emulator.failTask(taskId, 'worker lost');
		const task = await emulator.waitForTask(taskId);
		expect(task).toMatchObject({ state: 'failed', error: 'worker lost', progress: 10 });
		expect(task.results).toHaveLength(0);
		expect(task.progressHistory.map((event) => [event.progress, event.error])).toEqual([
			[10, ''],
			[10, 'worker lost'],
		]);
	});

	it('deleteTask removes the task: the server no longer knows it', async () => {
		const taskId = await createTask(emulator);
		expect(emulator.deleteTask(taskId)).toBe(true);
		expect(emulator.deleteTask(taskId)).toBe(false);
		expect(emulator.task(taskId)).toBeUndefined();
		expect((await call(emulator, 'GET', `/tasks/progress/${taskId}`)).status).toBe(404);
	});
});

describe('fault injectors', () => {
	it('serverErrors hits `count` requests in scope after letting `after` through, then removes itself on call', async () => {
		const faults = injectFaults(emulator);
		const fault = faults.serverErrors({
			status: 503,
			paths: [ROUTES.flows],
			after: 1,
			count: 2,
			retryAfterSeconds: 1,
		});
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++)
			statuses.push((await call(emulator, 'GET', '/flows/installed')).status);
		expect(statuses).toEqual([200, 503, 503, 200]);
		expect((await call(emulator, 'GET', '/other/whoami')).status).toBe(200);
		expect(fault.hits).toBe(2);
		expect(fault.hitRequests[0]).toEqual({
			method: 'GET',
			path: '/flows/installed',
			query: {},
			fault: 'status 503',
		});

		faults.serverErrors({ status: 429, retryAfterSeconds: 2 });
		const limited = await call(emulator, 'GET', '/other/whoami');
		expect(limited).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
		expect(limited.body.toString()).toBe('Too Many Requests');
		faults.clear();
		expect((await call(emulator, 'GET', '/other/whoami')).status).toBe(200);
		expect(() => faults.serverErrors({ status: 404 })).toThrow(RangeError);
	});

	it('ROUTES.progress covers one task, all tasks and the summary, and nothing else', async () => {
		const faults = injectFaults(emulator);
		faults.serverErrors({ paths: [ROUTES.progress] });
		const statusOf = async (path: string) => (await call(emulator, 'GET', path)).status;
		expect(await statusOf('/tasks/progress/1')).toBe(500);
		expect(await statusOf('/tasks/progress')).toBe(500);
		expect(await statusOf('/tasks/progress-summary?group_scope=0')).toBe(500);
		expect(await statusOf('/flows/installed')).toBe(200);
		expect(await statusOf('/tasks/results?task_id=1&node_id=9')).toBe(404);
	});

	it('connectionResets drops the connection before any answer', async () => {
		const fault = injectFaults(emulator).connectionResets({ count: 1 });
		await expect(call(emulator, 'GET', '/other/whoami')).rejects.toMatchObject({
			code: 'ECONNRESET',
		});
		expect((await call(emulator, 'GET', '/other/whoami')).status).toBe(200);
		expect(fault.hits).toBe(1);
		expect(emulator.requests.map((r) => r.status)).toEqual([0, 200]);
	});

	it('goesDown: the first request in scope finds the server going down, and it stays down until serveAgain', async () => {
		const fault = injectFaults(emulator).goesDown({ paths: [ROUTES.progress], methods: ['GET'] });
		expect((await call(emulator, 'GET', '/other/whoami')).status).toBe(200);
		const before = Date.now();
		await expect(call(emulator, 'GET', '/tasks/progress')).rejects.toMatchObject({
			code: 'ECONNRESET',
		});
		expect(await fault.down).toBeGreaterThanOrEqual(before);
		expect(emulator.serving).toBe(false);
		await expect(call(emulator, 'GET', '/other/whoami')).rejects.toMatchObject({
			code: 'ECONNREFUSED',
		});
		await emulator.serveAgain();
		expect((await call(emulator, 'GET', '/tasks/progress')).status).toBe(200);
		expect(fault.hits).toBe(1);
	});

	it('htmlErrorPage answers like a proxy, unauthorizedFrom like the server once the credentials stop working', async () => {
		const faults = injectFaults(emulator);
		const html = faults.htmlErrorPage({ count: 1, status: 504 });
		const page = await call(emulator, 'GET', '/other/whoami');
		expect(page).toMatchObject({ status: 504, headers: { 'content-type': 'text/html' } });
		expect(page.body.toString()).toContain('<title>504 Gateway Timeout</title>');
		expect(html.hits).toBe(1);

		faults.unauthorizedFrom({ afterRequests: 2 });
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++)
			statuses.push((await call(emulator, 'GET', '/other/whoami')).status);
		expect(statuses).toEqual([200, 200, 401, 401]);
		const refused = await call(emulator, 'GET', '/other/whoami');
		expect(refused.headers['www-authenticate']).toBe('Basic');
		expect(refused.body.toString()).toBe('Not authenticated');
	});

	it('vanishTask deletes the task once it has been polled `afterPolls` times; taskError fails it', async () => {
		const paused = await startEmulator({ workers: 0 });
		try {
			const faults = injectFaults(paused);
			const [gone, failing, other] = [
				await createTask(paused),
				await createTask(paused),
				await createTask(paused),
			];
			const vanish = faults.vanishTask(gone, { afterPolls: 2 });
			const fail = faults.taskError(failing, { afterPolls: 1, error: 'boom' });
			await call(paused, 'GET', `/tasks/progress/${other}`); // not a poll of either
			expect((await call(paused, 'GET', `/tasks/progress/${gone}`)).status).toBe(200);
			expect((await call(paused, 'GET', '/tasks/progress-summary')).status).toBe(200);
			const summary = JSON.parse(
				(await call(paused, 'GET', '/tasks/progress-summary')).body.toString(),
			);
			expect(Object.keys(summary)).toEqual([String(failing), String(other)]);
			expect(summary[String(failing)]).toMatchObject({ error: 'boom' });
			expect((await call(paused, 'GET', `/tasks/progress/${gone}`)).status).toBe(404);
			expect(vanish.hits).toBe(1);
			expect(fail.hits).toBe(1);
			expect(paused.tasks.map((task) => [task.id, task.state])).toEqual([
				[failing, 'failed'],
				[other, 'queued'],
			]);
		} finally {
			await paused.stop();
		}
	});

	it('slowResponses delays and then answers normally', async () => {
		const fault = injectFaults(emulator).slowResponses({ delayMs: 30, count: 1 });
		expect((await call(emulator, 'GET', '/other/whoami')).status).toBe(200);
		expect(fault.hits).toBe(1);
	});

	it('truncatedDownloads applies to result downloads only', async () => {
		const taskId = await createTask(emulator);
		await emulator.waitForTask(taskId);
		const fault = injectFaults(emulator).truncatedDownloads({ keepBytes: 10 });
		expect((await call(emulator, 'GET', `/tasks/progress/${taskId}`)).brokenOff).toBeNull();
		const cut = await call(emulator, 'GET', `/tasks/results?task_id=${taskId}&node_id=9`);
		expect(cut.body).toHaveLength(10);
		expect(cut.brokenOff).not.toBeNull();
		expect(fault.hitRequests.map((r) => r.path)).toEqual(['/tasks/results']);
	});

	it('random: the same seed makes the same decisions; no request is faulted more than maxInARow times in a row', async () => {
		const decide = async (seed: number) => {
			const fresh = await startEmulator({ workers: 0 });
			try {
				const fault = injectFaults(fresh).random({
					seed,
					rate: 0.6,
					kinds: ['serverError', 'tooManyRequests', 'badGateway'],
					maxInARow: 2,
				});
				const statuses: number[] = [];
				for (let i = 0; i < 40; i++)
					statuses.push((await call(fresh, 'GET', '/other/whoami')).status);
				return { statuses, hits: fault.hits, kinds: fault.hitRequests.map((r) => r.fault) };
			} finally {
				await fresh.stop();
			}
		};
		const first = await decide(42);
		expect(await decide(42)).toEqual(first);
		expect(await decide(43)).not.toEqual(first);
		expect(first.hits).toBeGreaterThan(0);
		expect(new Set(first.kinds)).toEqual(new Set(['serverError', 'tooManyRequests', 'badGateway']));
		expect(first.statuses.filter((status) => status !== 200)).toHaveLength(first.hits);
		// Never three faults in a row on the same request.
		expect(first.statuses.map((status) => (status === 200 ? '.' : 'x')).join('')).not.toContain(
			'xxx',
		);
	});

	it('random leaves writes alone by default', async () => {
		injectFaults(emulator).random({ seed: 1, rate: 1, kinds: ['serverError'] });
		expect((await call(emulator, 'PUT', '/tasks/create/sdxl_lighting', 'prompt=x')).status).toBe(
			200,
		);
		expect((await call(emulator, 'GET', '/other/whoami')).status).toBe(500);
	});

	it('seededRandom is a deterministic PRNG in [0, 1)', () => {
		const a = seededRandom(7);
		const b = seededRandom(7);
		const values = Array.from({ length: 1000 }, () => a());
		expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
		expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
		expect(new Set(values).size).toBe(1000);
	});
});
