/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Trouble on create, through n8n's engine. A create that may have reached the server is never sent
 * again (a second one would queue a second task on the GPU): exactly one create request reaches
 * the server and no task is duplicated. When its answer is lost, the node looks for the task it
 * made and goes on with it; when it cannot tell (none, or more than asked for), the item's message
 * says to check the task list. Only a request that certainly never left (connection refused) is
 * sent again.
 */
import net from 'node:net';

import { ROUTES, type Faults, type VisionatrixEmulator } from '../emulator';
import type { RunResult } from '../harness';
import {
	createTask,
	creates,
	credentialFor,
	expectFilesIntact,
	getResults,
	run,
	sharedEmulator,
	sleep,
	visionatrix,
	waitFor,
} from './helpers';

let emulator: VisionatrixEmulator;
let faults: Faults;
sharedEmulator({ taskDurationMs: 100, workers: 2 }, (started, injected) => {
	emulator = started;
	faults = injected;
});

const CREATE = [ROUTES.create];
const MAY_HAVE_ACTED =
	'The request was not sent again: the server may have acted on it (a task may exist anyway), so check its task list before running again.';

/** Tasks the emulator holds now that it did not hold before the test. */
function newTasks(before: number) {
	return emulator.tasks.filter((task) => task.id > before);
}
const lastTaskId = () => emulator.tasks.at(-1)?.id ?? 0;

/** The time the failed create was sent, as its message gives it (`09:31:05 UTC`), checked against its form. */
function sentAt(result: RunResult, node?: string): string {
	const messages = node
		? result.outputOf(node).map((item) => String(item.json.error ?? ''))
		: [result.error?.message ?? ''];
	const time = messages
		.map((message) => / since it was sent at (\d\d:\d\d:\d\d UTC)/.exec(message)?.[1])
		.find(Boolean);
	expect(time).toMatch(/^\d\d:\d\d:\d\d UTC$/);
	return time!;
}

describe('a create that fails is not sent again', () => {
	it("Visionatrix's own 500: one create request, no task, the status in the error, and the hint that it may have acted", async () => {
		const before = lastTaskId();
		const fault = faults.serverErrors({ status: 500, paths: CREATE });
		const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Visionatrix failed to create a task of flow 'sdxl_lighting' (500 Internal Server Error) [item 0]",
		);
		expect((result.error as { description?: string }).description).toContain(MAY_HAVE_ACTED);
		expect(fault.hits).toBe(1);
		expect(creates(emulator).map((request) => request.status)).toEqual([500]);
		expect(newTasks(before)).toHaveLength(0);
	});

	it.each([
		[502, 'the proxy in front of Visionatrix answered 502'],
		[503, 'the proxy in front of Visionatrix answered 503'],
	])(
		"a proxy's plain-text %i: one create request, the task looked for, none found, and a message that says what to do",
		async (status, cause) => {
			const before = lastTaskId();
			const fault = faults.serverErrors({ status, paths: CREATE });
			const result = await run(emulator, [
				createTask('Generate', 'sdxl_lighting', { prompt: `proxy ${status}` }),
			]);

			expect(result.status).toBe('error');
			expect(result.error!.message).toBe(
				`The request to create a task of flow 'sdxl_lighting' got no answer from Visionatrix (${cause}), and no task of that flow made since it was sent at ${sentAt(result)} matches what was sent: the task may exist anyway, so check the Visionatrix task list before running this item again [item 0]`,
			);
			expect(fault.hits).toBe(1);
			expect(creates(emulator).map((request) => request.status)).toEqual([status]);
			expect(newTasks(before)).toHaveLength(0);
		},
	);

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

	it('a connection dropped before the server acted: one create request, no task found, and the message says to check the task list', async () => {
		const before = lastTaskId();
		faults.connectionResets({ paths: CREATE });
		const result = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'dropped before' }),
		]);

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			`The request to create a task of flow 'sdxl_lighting' got no answer from Visionatrix (connection reset), and no task of that flow made since it was sent at ${sentAt(result)} matches what was sent: the task may exist anyway, so check the Visionatrix task list before running this item again [item 0]`,
		);
		expect((result.error as { description?: string }).description).toMatch(
			/^The request was sent at \d\d:\d\d:\d\d UTC and not sent again: a second create would queue a second task\./,
		);
		expect(creates(emulator).map((request) => request.status)).toEqual([0]);
		expect(newTasks(before)).toHaveLength(0);
	});

	it.each([307, 308])(
		'a %i redirect on create is not followed: one create request, and the error names where it points',
		async (status) => {
			const before = lastTaskId();
			// As a proxy that moved the server to https would answer; the create is given back, not re-sent there.
			const location = `${emulator.url}/moved${emulator.prefix}/tasks/create/sdxl_lighting`;
			const remove = emulator.intercept((request) =>
				request.method === 'PUT' ? { reply: { status, headers: { location } } } : undefined,
			);
			try {
				const result = await run(emulator, [
					createTask('Generate', 'sdxl_lighting', { prompt: 'redirected' }),
				]);
				expect(result.status).toBe('error');
				expect(result.error!.message).toBe(
					`Visionatrix redirected the request to create a task of flow 'sdxl_lighting' to ${location} (${status}); it was not sent there [item 0]`,
				);
				expect((result.error as { description?: string }).description).toMatch(
					/^Set the Base URL of the Visionatrix credential to the address/,
				);
			} finally {
				remove();
			}
			expect(
				emulator.requests
					.filter((request) => request.method === 'PUT')
					.map((request) => request.path),
			).toEqual([`${emulator.prefix}/tasks/create/sdxl_lighting`]);
			expect(newTasks(before)).toHaveLength(0);
		},
	);

	it('the other writes are not sent along a redirect either: Cancel names where it points', async () => {
		const created = await run(emulator, [
			createTask('Generate', 'sdxl_lighting', { prompt: 'to cancel' }),
		]);
		const taskId = created.outputOf('Generate')[0].json.task_id as number;
		const location = `${emulator.url}/moved${emulator.prefix}/tasks/queue/${taskId}`;
		const remove = emulator.intercept((request) =>
			request.method === 'DELETE' ? { reply: { status: 307, headers: { location } } } : undefined,
		);
		try {
			const result = await run(emulator, [
				visionatrix('Cancel', { operation: 'cancel', taskId: String(taskId) }),
			]);
			expect(result.status).toBe('error');
			expect(result.error!.message).toBe(
				`Visionatrix redirected the request to cancel task ${taskId} to ${location} (307); it was not sent there [item 0]`,
			);
		} finally {
			remove();
		}
		expect(
			emulator.requests
				.filter((request) => request.method === 'DELETE')
				.map((request) => request.path),
		).toEqual([`${emulator.prefix}/tasks/queue/${taskId}`]);
	});

	it('several items, Continue On Fail: the item whose create failed is an error item (its flow in the JSON), the others get their files', async () => {
		const before = lastTaskId();
		// The second create (item 1) is dropped before the server acts on it.
		faults.connectionResets({ paths: CREATE, after: 1, count: 1 });
		const result = await run(
			emulator,
			[
				createTask(
					'Generate',
					'sdxl_lighting',
					{ prompt: '={{ $json.prompt }}' },
					{ concurrency: 1 },
				),
				waitFor('Wait'),
				getResults('Results'),
			].map((node) => ({ ...node, continueOnFail: true })),
			{ inputItems: ['one', 'two', 'three'].map((prompt) => ({ json: { prompt } })) },
		);

		expect(result.status).toBe('success');
		const generated = result.outputOf('Generate');
		expect(generated.map((item) => item.json.error ?? 'ok')).toEqual([
			'ok',
			`The request to create a task of flow 'sdxl_lighting' got no answer from Visionatrix (connection reset), and no task of that flow made since it was sent at ${sentAt(result, 'Generate')} matches what was sent: the task may exist anyway, so check the Visionatrix task list before running this item again [item 1]`,
			'ok',
		]);
		expect(generated[1].json.flow).toBe('sdxl_lighting');
		expect(creates(emulator).map((request) => request.status)).toEqual([200, 0, 200]);
		expect(newTasks(before).map((task) => task.inputParams.prompt)).toEqual(['one', 'three']);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(2);
	});
});

describe('a create whose answer is lost is found, not made again', () => {
	const generateWithFiles = (values: Record<string, string | number>, options = {}) =>
		createTask('Generate', 'sdxl_lighting', values, { downloadResults: true, ...options });

	it('one task: the node finds the task the create made and goes on with it; its files come out, and no second task is made', async () => {
		const before = lastTaskId();
		const lost = faults.lostAnswers({ paths: CREATE });
		const result = await run(emulator, [generateWithFiles({ prompt: 'lost answer, one task' })]);

		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(lost.hits).toBe(1);
		expect(creates(emulator).map((request) => [request.status, request.truncatedAt])).toEqual([
			[200, 0],
		]);
		const made = newTasks(before);
		expect(made.map((task) => task.inputParams.prompt)).toEqual(['lost answer, one task']);
		expect(result.outputOf('Generate').map((item) => item.json.task_id)).toEqual(
			made.map((task) => task.id),
		);
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(1);
	});

	it('Count 3 with a seed: the three tasks are found by their seeds and come out with their files', async () => {
		const before = lastTaskId();
		faults.lostAnswers({ paths: CREATE });
		const result = await run(emulator, [
			generateWithFiles({ prompt: 'lost answer, three tasks', count: 3, seed: 700 }),
		]);

		expect(result.status).toBe('success');
		expect(creates(emulator)).toHaveLength(1);
		const made = newTasks(before);
		expect(made.map((task) => task.inputParams.seed)).toEqual([700, 701, 702]);
		expect(result.outputOf('Generate').map((item) => item.json.task_id)).toEqual(
			made.map((task) => task.id),
		);
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(3);
	});

	it("a flow whose file input is another task's output: found by flow and time (the reference is not among the task's input_params)", async () => {
		const source = await run(emulator, [generateWithFiles({ prompt: 'a fox to cut out' })]);
		const sourceId = source.outputOf('Generate')[0].json.task_id as number;
		const before = lastTaskId();
		faults.lostAnswers({ paths: CREATE });
		const result = await run(emulator, [
			createTask(
				'Cut Out',
				'remove_background_birefnet',
				{ input_image: JSON.stringify({ task_id: sourceId, node_id: 9 }) },
				{ downloadResults: true },
			),
		]);

		expect(result.error?.message).toBeUndefined();
		const made = newTasks(before);
		expect(made.map((task) => task.flow)).toEqual(['remove_background_birefnet']);
		expect(result.outputOf('Cut Out').map((item) => item.json.task_id)).toEqual([made[0].id]);
		expect(await expectFilesIntact(result, 'Cut Out', emulator)).toBe(1);
	});

	it("a task with the same inputs that had finished before the create was sent is not taken for the lost create's", async () => {
		const earlier = await run(emulator, [generateWithFiles({ prompt: 'same prompt every day' })]);
		const earlierId = earlier.outputOf('Generate')[0].json.task_id as number;
		// Its finished_at must lie before the next create on the server's clock, which the node reads in whole seconds.
		await sleep(2000);
		const before = lastTaskId();
		faults.lostAnswers({ paths: CREATE });
		const result = await run(emulator, [generateWithFiles({ prompt: 'same prompt every day' })]);

		expect(result.status).toBe('success');
		const made = newTasks(before);
		expect(made).toHaveLength(1);
		expect(result.outputOf('Generate').map((item) => item.json.task_id)).toEqual([made[0].id]);
		expect(made[0].id).not.toBe(earlierId);
	});

	it("two items with the same inputs, one answer lost: the other item's answer says which task is its, the lost one is found", async () => {
		const before = lastTaskId();
		faults.lostAnswers({ paths: CREATE, count: 1 });
		const result = await run(
			emulator,
			[generateWithFiles({ prompt: 'twins' }, { concurrency: 2 })],
			{
				inputItems: [{ json: {} }, { json: {} }],
			},
		);

		expect(result.status).toBe('success');
		expect(creates(emulator)).toHaveLength(2);
		const made = newTasks(before);
		expect(made).toHaveLength(2);
		expect(
			result
				.outputOf('Generate')
				.map((item) => item.json.task_id)
				.sort(),
		).toEqual(made.map((task) => task.id).sort());
		expect(await expectFilesIntact(result, 'Generate', emulator)).toBe(2);
	});

	it('two identical creates whose answers are both lost: the node cannot tell which task is whose, so both items fail (Continue On Fail), naming the tasks, and none is made again', async () => {
		const before = lastTaskId();
		faults.lostAnswers({ paths: CREATE });
		const result = await run(
			emulator,
			[
				{
					...generateWithFiles({ prompt: 'identical twins' }, { concurrency: 2 }),
					continueOnFail: true,
				},
			],
			{
				inputItems: [{ json: {} }, { json: {} }],
			},
		);

		expect(result.status).toBe('success');
		expect(creates(emulator)).toHaveLength(2);
		const ids = newTasks(before).map((task) => task.id);
		expect(ids).toHaveLength(2);
		const items = result.outputOf('Generate');
		expect(items.map((item) => item.json)).toEqual(
			[0, 1].map((itemIndex) => ({
				flow: 'sdxl_lighting',
				possible_task_ids: ids,
				error: `The request to create a task of flow 'sdxl_lighting' got no answer from Visionatrix (connection reset), and 2 tasks of that flow made since it was sent at ${sentAt(result, 'Generate')} match what was sent (${ids.join(', ')}) where 1 was asked for, so the node cannot tell which it made: the task may exist anyway, so check the Visionatrix task list before running this item again [item ${itemIndex}]`,
			})),
		);
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
		const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
			this: net.Socket,
			...args: unknown[]
		) {
			const first = args[0] as unknown;
			const options = (Array.isArray(first) ? first[0] : first) as
				| { port?: number | string }
				| number
				| string;
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
			const result = await run(
				emulator,
				[
					createTask('Generate', 'sdxl_lighting', { prompt: 'refused once' }),
					waitFor('Wait'),
					getResults('Results'),
				],
				{
					credential: { ...credentialFor(emulator), baseUrl: `http://127.0.0.1:${gate.port}/` },
				},
			);

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
