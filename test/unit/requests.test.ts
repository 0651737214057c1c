import nock from 'nock';

import {
	recorded,
	testWithRecordings,
	textFields,
	type RecordedExchange,
} from '../fixtures/recorded';
import { createTask, run, visionatrix } from '../integration/visionatrix';
import type { VisionatrixEmulator } from '../emulator';

/**
 * The node's requests and its error mapping, against replies replayed from the recordings of a
 * real Visionatrix 2.7 server (nock: no emulator in between).
 */

const HOST = 'http://vix.test:8288';
// `run` only reads the URL and prefix of its "emulator" to fill the credential.
const server = { url: HOST, prefix: '/vapi' } as VisionatrixEmulator;

function reply(exchange: RecordedExchange): [number, string | object, Record<string, string>] {
	const { status, headers, body } = exchange.response;
	const sent = { ...headers };
	delete sent['content-length'];
	return [status, body === null ? '' : (body as object), sent];
}

const installedFlows = () =>
	nock(HOST)
		.get('/vapi/flows/installed')
		.reply(...reply(recorded(8)));

/** Parses a multipart body into its parts' names and values (text) or file names. */
function multipartFields(contentType: string, body: string): Array<[string, string]> {
	const boundary = /boundary=(.+)$/.exec(contentType)![1];
	return body
		.split(`--${boundary}`)
		.slice(1, -1)
		.map((part) => {
			const [head, ...rest] = part.split('\r\n\r\n');
			const name = /name="([^"]+)"/.exec(head)![1];
			const file = /filename="([^"]+)"/.exec(head);
			return [name, file ? `file:${file[1]}` : rest.join('\r\n\r\n').replace(/\r\n$/, '')] as [
				string,
				string,
			];
		});
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});

describe('the create request', () => {
	testWithRecordings(
		'sends the flow inputs as multipart form fields, as the recorded client did, with Basic auth',
		async () => {
			const exchange = recorded(20);
			let sent: { contentType: string; body: string; authorization: string } | undefined;
			installedFlows();
			nock(HOST)
				.put('/vapi/tasks/create/sdxl_lighting')
				.reply(function (_uri, body) {
					sent = {
						contentType: String(this.req.headers['content-type']),
						body: body as string,
						authorization: String(this.req.headers.authorization),
					};
					return reply(exchange);
				});

			const result = await run(server, [
				createTask('Generate', 'sdxl_lighting', {
					prompt: 'a red fox sitting in fresh snow, photo',
					steps_number: '8 steps',
					seed: 42,
				}),
			]);

			expect(result.status).toBe('success');
			expect(sent!.contentType).toMatch(/^multipart\/form-data; boundary=/);
			expect(sent!.authorization).toBe(`Basic ${Buffer.from('alice:alice').toString('base64')}`);
			expect(multipartFields(sent!.contentType, sent!.body).sort()).toEqual(
				textFields(exchange).sort(),
			);
			expect(result.outputOf('Generate').map((i) => i.json)).toEqual([
				// The recorded outputs, without the sizes a queued task does not have yet (the server's -1).
				{
					task_id: 1,
					flow: 'sdxl_lighting',
					outputs: (
						exchange.response.body as { outputs: Array<Record<string, unknown>> }
					).outputs.map(({ file_size, batch_size, ...known }) => ({
						...known,
						...(file_size === -1 ? {} : { file_size }),
						...(batch_size === -1 ? {} : { batch_size }),
					})),
				},
			]);
		},
	);

	testWithRecordings(
		'gives one item per task when the server creates several (count)',
		async () => {
			installedFlows();
			nock(HOST)
				.put('/vapi/tasks/create/sdxl_lighting')
				.reply(...reply(recorded(22)));
			const result = await run(server, [
				createTask('Generate', 'sdxl_lighting', { prompt: 'x', count: 2 }),
			]);
			expect(result.outputOf('Generate').map((i) => [i.json.task_id, i.pairedItem])).toEqual([
				[2, { item: 0 }],
				[3, { item: 0 }],
			]);
		},
	);

	testWithRecordings("sends another task's output by reference, uploading nothing", async () => {
		let fields: Array<[string, string]> = [];
		installedFlows();
		nock(HOST)
			.put('/vapi/tasks/create/remove_background_birefnet')
			.reply(function (_uri, body) {
				fields = multipartFields(String(this.req.headers['content-type']), body as string);
				return reply(recorded(42));
			});
		const result = await run(server, [
			createTask('Cut Out', 'remove_background_birefnet', {
				input_image: '{"task_id": 1, "node_id": 9}',
			}),
		]);
		expect(result.status).toBe('success');
		expect(fields).toEqual([['input_image', '{"task_id":1,"node_id":9}']]);
	});
});

describe("the server's errors, mapped to what the user should do", () => {
	const progressOf = (taskId: string) => [
		visionatrix('Progress', { operation: 'getProgress', taskId }),
	];

	testWithRecordings.each([
		[
			3,
			'Visionatrix rejected the credentials while trying to get the progress of task 1 (401 Not authenticated) [item 0]',
		],
		[
			47,
			'Task 1 was not found: it was cancelled or deleted on the Visionatrix server (or belongs to another user) [item 0]',
		],
		[
			95,
			'Visionatrix has no route to get the progress of task 1 (404 Not Found): the server probably speaks the other API generation [item 0]',
		],
	])('recording %i → %s', async (number, message) => {
		nock(HOST)
			.get('/vapi/tasks/progress/1')
			.reply(...reply(recorded(number)));
		const result = await run(server, progressOf('1'));
		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(message);
	});

	testWithRecordings(
		'a server error (500, plain text) asks to check the inputs the server cannot take, then its log',
		async () => {
			installedFlows();
			nock(HOST)
				.put('/vapi/tasks/create/sdxl_lighting')
				.reply(...reply(recorded(25)));
			const result = await run(server, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);
			expect(result.error!.message).toBe(
				"Visionatrix failed to create a task of flow 'sdxl_lighting' (500 Internal Server Error) [item 0]",
			);
			expect((result.error as { description?: string }).description).toMatch(
				/unknown list option, a bool it cannot parse, webhook headers that are not JSON/,
			);
		},
	);

	testWithRecordings("a 400 on create gives the server's detail", async () => {
		installedFlows();
		nock(HOST)
			.put('/vapi/tasks/create/remove_background_birefnet')
			.reply(...reply(recorded(26)));
		const result = await run(server, [
			createTask('Cut Out', 'remove_background_birefnet', {
				input_image: '{"task_id": 1, "node_id": 9}',
			}),
		]);
		expect(result.error!.message).toBe(
			"Visionatrix could not create a task of flow 'remove_background_birefnet': The parameter 'input_image' is required, but missing. [item 0]",
		);
	});

	it('an admin-only route for a normal user says an admin account is needed', async () => {
		nock(HOST).get('/vapi/tasks/progress/1').reply(401, { detail: 'Admin privilege required' });
		const result = await run(server, progressOf('1'));
		expect(result.error!.message).toBe(
			'Visionatrix refused to get the progress of task 1: it needs an admin account [item 0]',
		);
	});
});
