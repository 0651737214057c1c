/**
 * Trouble on create, through n8n's engine. A create that may have reached the server is never sent
 * again (a second one would queue a second task on the GPU): exactly one create request reaches
 * the server, no task is duplicated, and the error says to check the task list. Only a request
 * that certainly never left (connection refused) is sent again.
 */
import net from 'node:net';

import { injectFaults, ROUTES, startEmulator, type Faults, type VisionatrixEmulator } from '../emulator';
import { createTask, creates, credentialFor, expectFilesIntact, getResults, run, visionatrix, waitFor } from './helpers';

let emulator: VisionatrixEmulator;
let faults: Faults;

beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 100, workers: 2 });
	faults = injectFaults(emulator);
});
afterAll(async () => await emulator.stop());
beforeEach(() => emulator.clearRequests());
afterEach(() => faults.clear());

const CREATE = [ROUTES.create];
const MAY_HAVE_ACTED =
	'The request was not sent again: the server may have acted on it (a task may exist anyway), so check its task list before running again.';
const MAY_HAVE_REACHED =
	'The request may have reached the server, so it was not sent again (a second create would queue a second task): check the task list in Visionatrix before running again.';

/** Tasks the emulator holds now that it did not hold before the test. */
function newTasks(before: number) {
	return emulator.tasks.filter((task) => task.id > before);
}
const lastTaskId = () => emulator.tasks.at(-1)?.id ?? 0;

describe('a create that fails is not sent again', () => {
	it.each([500, 502, 503])('a %i answer: one create request, no task, and the status in the error', async (status) => {
		const before = lastTaskId();
		const fault = faults.serverErrors({ status, paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);

		expect(result.status).toBe('error');
		const phrase = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[status];
		expect(result.error!.message).toBe(`Visionatrix failed to create a task of flow 'sdxl_lighting' (${status} ${phrase}) [item 0]`);
		expect(fault.hits).toBe(1);
		expect(creates(emulator).map((request) => request.status)).toEqual([status]);
		expect(newTasks(before)).toHaveLength(0);
	});

	// NODE BUG: the create's context has no `sent`, so visionatrixError never adds this hint to a 5xx on create.
	it('a 5xx answer on create says the server may have acted on it: check the task list', async () => {
		faults.serverErrors({ status: 502, paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);
		expect(result.status).toBe('error');
		expect((result.error as { description?: string }).description).toContain(MAY_HAVE_ACTED);
		expect(creates(emulator)).toHaveLength(1);
	});

	it('a 429 on create is not sent again either', async () => {
		const before = lastTaskId();
		faults.serverErrors({ status: 429, retryAfterSeconds: 1, paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Visionatrix answered 429 while trying to create a task of flow 'sdxl_lighting': Too Many Requests [item 0]",
		);
		expect(creates(emulator).map((request) => request.status)).toEqual([429]);
		expect(newTasks(before)).toHaveLength(0);
	});

	it('a connection dropped before the answer: one create request, and the error says it may have reached the server', async () => {
		const before = lastTaskId();
		faults.connectionResets({ paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			`Cannot reach Visionatrix at ${emulator.url}/vapi to create a task of flow 'sdxl_lighting' (connection reset) [item 0]`,
		);
		const description = (result.error as { description?: string }).description!;
		expect(description).toContain('Network error: ECONNRESET.');
		expect(description).toContain(MAY_HAVE_REACHED);
		expect(creates(emulator).map((request) => request.status)).toEqual([0]);
		expect(newTasks(before)).toHaveLength(0);
	});

	it('the server created the task but its answer was lost: still one create request and exactly one task', async () => {
		const before = lastTaskId();
		const lost = faults.lostAnswers({ paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'lost answer' })]);

		expect(result.status).toBe('error');
		expect(lost.hits).toBe(1);
		expect(creates(emulator).map((request) => [request.status, request.truncatedAt])).toEqual([[200, 0]]);
		expect(newTasks(before).map((task) => task.inputParams.prompt)).toEqual(['lost answer']);
	});

	// NODE BUG: an answer that breaks off after its headers reaches the node as n8n's NodeApiError with
	// httpCode '200' ("stream has been aborted"), which toVisionatrixNetworkError passes through unmapped.
	it('an answer lost after the server acted: the error says the create may have reached the server', async () => {
		faults.lostAnswers({ paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'lost answer' })]);
		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(
			new RegExp(`^Cannot reach Visionatrix at ${emulator.url}/vapi to create a task of flow 'sdxl_lighting' \\(.+\\) \\[item 0\\]$`),
		);
		expect((result.error as { description?: string }).description).toContain(MAY_HAVE_REACHED);
		expect(creates(emulator)).toHaveLength(1);
	});

	it.each([307, 308])('a %i redirect on create is not followed: one create request, and the error names where it points', async (status) => {
		const before = lastTaskId();
		// As a proxy that moved the server to https would answer; the create is given back, not re-sent there.
		const location = `${emulator.url}/moved${emulator.prefix}/tasks/create/sdxl_lighting`;
		const remove = emulator.intercept((request) =>
			request.method === 'PUT' ? { reply: { status, headers: { location } } } : undefined,
		);
		try {
			const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'redirected' })]);
			expect(result.status).toBe('error');
			expect(result.error!.message).toBe(
				`Visionatrix redirected the request to create a task of flow 'sdxl_lighting' to ${location} (${status}); it was not sent there [item 0]`,
			);
			expect((result.error as { description?: string }).description).toMatch(/^Set the Base URL of the Visionatrix credential to the address/);
		} finally {
			remove();
		}
		expect(emulator.requests.filter((request) => request.method === 'PUT').map((request) => request.path)).toEqual([
			`${emulator.prefix}/tasks/create/sdxl_lighting`,
		]);
		expect(newTasks(before)).toHaveLength(0);
	});

	it('the other writes are not sent along a redirect either: Cancel names where it points', async () => {
		const created = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'to cancel' })]);
		const taskId = created.outputOf('Generate')[0].json.task_id as number;
		const location = `${emulator.url}/moved${emulator.prefix}/tasks/queue/${taskId}`;
		const remove = emulator.intercept((request) => (request.method === 'DELETE' ? { reply: { status: 307, headers: { location } } } : undefined));
		try {
			const result = await run(emulator, [visionatrix('Cancel', { operation: 'cancel', taskId: String(taskId) })]);
			expect(result.status).toBe('error');
			expect(result.error!.message).toBe(`Visionatrix redirected the request to cancel task ${taskId} to ${location} (307); it was not sent there [item 0]`);
		} finally {
			remove();
		}
		expect(emulator.requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([`${emulator.prefix}/tasks/queue/${taskId}`]);
	});

	it('several items, Continue On Fail: the item whose create failed is an error item, the others get their files', async () => {
		const before = lastTaskId();
		// The second create (item 1) is dropped.
		faults.connectionResets({ paths: CREATE, after: 1, count: 1 });
		const result = await run(
			emulator,
			[createTask('Generate', 'sdxl_lighting', { prompt: '={{ $json.prompt }}' }, { concurrency: 1 }), waitFor('Wait'), getResults('Results')].map(
				(node) => ({ ...node, continueOnFail: true }),
			),
			{ inputItems: ['one', 'two', 'three'].map((prompt) => ({ json: { prompt } })) },
		);

		expect(result.status).toBe('success');
		const generated = result.outputOf('Generate');
		expect(generated.map((item) => item.json.error ?? 'ok')).toEqual([
			'ok',
			`Cannot reach Visionatrix at ${emulator.url}/vapi to create a task of flow 'sdxl_lighting' (connection reset) [item 1]`,
			'ok',
		]);
		expect(creates(emulator).map((request) => request.status)).toEqual([200, 0, 200]);
		expect(newTasks(before).map((task) => task.inputParams.prompt)).toEqual(['one', 'three']);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(2);
	});
});

describe('a create that never left is sent again', () => {
	/**
	 * A TCP gate in front of the emulator. Closing it refuses new connections (ECONNREFUSED) while
	 * the ones already open go on; it opens again on the same port as soon as a connection to it is
	 * refused, observed on the client's own sockets (n8n runs in this process).
	 */
	class Gate {
		private server: net.Server | null = null;
		private readonly sockets = new Set<net.Socket>();
		port = 0;
		refusals = 0;

		async open(): Promise<void> {
			const server = net.createServer((client) => {
				const upstream = net.connect(Number(new URL(emulator.url).port), '127.0.0.1');
				for (const socket of [client, upstream]) {
					this.sockets.add(socket);
					socket.on('close', () => this.sockets.delete(socket));
					socket.on('error', () => undefined);
				}
				client.pipe(upstream).pipe(client);
				client.on('close', () => upstream.destroy());
				upstream.on('close', () => client.destroy());
			});
			await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
			this.port = (server.address() as net.AddressInfo).port;
			this.server = server;
		}

		/** Stops listening; open connections go on. */
		close(): void {
			this.server?.close();
			this.server = null;
		}

		async stop(): Promise<void> {
			this.close();
			for (const socket of this.sockets) socket.destroy();
		}
	}

	it('connection refused on create: sent again once the server listens again; one create reached it, one task, the run succeeds', async () => {
		const gate = new Gate();
		await gate.open();
		const originalConnect = net.Socket.prototype.connect;
		const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
			const first = args[0] as unknown;
			const options = (Array.isArray(first) ? first[0] : first) as { port?: number | string } | number | string;
			const port = Number(typeof options === 'object' ? options?.port : options);
			if (port === gate.port) {
				this.once('error', (error: NodeJS.ErrnoException) => {
					if (error.code !== 'ECONNREFUSED') return;
					gate.refusals++;
					void gate.open();
				});
			}
			return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
		});
		// The request just before the create closes the gate: the create's connection is refused.
		const closer = emulator.intercept((request) => {
			if (request.path.endsWith('/flows/installed')) gate.close();
		});
		const before = lastTaskId();
		try {
			const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'refused once' }), waitFor('Wait'), getResults('Results')], {
				credential: { ...credentialFor(emulator), baseUrl: `http://127.0.0.1:${gate.port}/` },
			});

			expect(result.status).toBe('success');
			expect(gate.refusals).toBe(1);
			expect(creates(emulator).map((request) => request.status)).toEqual([200]);
			expect(newTasks(before).map((task) => task.inputParams.prompt)).toEqual(['refused once']);
			expect(await expectFilesIntact(result, 'Results', emulator)).toBe(1);
		} finally {
			closer();
			spy.mockRestore();
			await gate.stop();
		}
	});
});
