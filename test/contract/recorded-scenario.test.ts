/**
 * Replays the recorded session against the emulator, in the order the recordings were made
 * (README "How the states were produced"). Tasks are driven through the worker API with the
 * recorded worker's own requests, so every state the client sees can be compared with the
 * recording: status, headers, body (timestamps masked) and, for fixed bodies, the byte length.
 */
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { makePng, pngInfo, zipEntries } from '../fixtures/media';
import {
	describeWithRecordings,
	queryOf,
	recorded,
	recordedWebhookCalls,
	textFields,
} from '../fixtures/recorded';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver';
import { VisionatrixTestClient, type FieldValue } from './client';
import { expectRecordedExactly, expectRecordedHeaders, expectRecordedJson } from './expectations';

const ALICE = { username: 'alice', password: 'alice' };
const ADMIN = { username: 'admin', password: 'admin' };

let emulator: VisionatrixEmulator;
let alice: VisionatrixTestClient;
let admin: VisionatrixTestClient;
let receiver: WebhookReceiver;

const workerDetails = () => recorded(27).request.json_body!.worker_details;

/** The recorded worker: takes tasks, reports progress, uploads two 16x16 PNGs per output, unlocks. */
const worker = {
	next: (tasksNames: string[], lastTaskName = '') =>
		admin.postJson('/tasks/next', {
			worker_details: workerDetails(),
			tasks_names: tasksNames,
			last_task_name: lastTaskName,
		}),
	progress: (
		taskId: number,
		progress: number,
		executionTime: number,
		error = '',
		executionDetails?: object,
	) =>
		admin.putJson('/tasks/progress', {
			worker_details: workerDetails(),
			task_id: taskId,
			progress,
			execution_time: executionTime,
			error,
			...(executionDetails ? { execution_details: executionDetails } : {}),
		}),
	upload: (taskId: number, files: Array<{ name: string; data: Buffer }>) =>
		admin.putForm(
			'/tasks/results',
			files.map((file): [string, FieldValue] => [
				'files',
				{ data: file.data, filename: file.name, contentType: 'image/png' },
			]),
			{ query: { task_id: taskId } },
		),
	unlock: (taskId: number) => admin.delete('/tasks/lock', { query: { task_id: taskId } }),
};

const FINISH_DETAILS = {
	cache_type: 'classic',
	cache_size: 1,
	vae_cpu: false,
	reserve_vram: 0.6,
	nodes_execution_time: 7.0,
};
const resultPngs = (taskId: number) => [
	{ name: `${taskId}_9_00001_.png`, data: makePng(16, 16, (x, y) => [x * 16, y * 16, 128]) },
	{ name: `${taskId}_9_00002_.png`, data: makePng(16, 16, (x, y) => [255 - x * 16, 64, y * 16]) },
];
const task1Results = resultPngs(1);
const task1ResultsSize = task1Results[0].data.length + task1Results[1].data.length;
const redPng = makePng(32, 24, () => [255, 0, 0]);

/** Runs the recorded worker through one whole successful task. */
async function runToCompletion(
	taskId: number,
	files: Array<{ name: string; data: Buffer }>,
): Promise<void> {
	expect((await worker.progress(taskId, 10, 1.0)).status).toBe(204);
	expect((await worker.progress(taskId, 55.5, 5.55)).status).toBe(204);
	expect((await worker.upload(taskId, files)).status).toBe(204);
	expect((await worker.progress(taskId, 100, 7.25, '', FINISH_DETAILS)).status).toBe(204);
	expect((await worker.unlock(taskId)).status).toBe(204);
}

/** The recorded request's form fields, sent as multipart again. */
const fieldsOf = (number: number): Array<[string, FieldValue]> => textFields(recorded(number));

beforeAll(async () => {
	emulator = await startEmulator({ workers: 0 });
	alice = new VisionatrixTestClient(emulator.url, '/vapi', ALICE);
	admin = alice.as(ADMIN);
	receiver = await startWebhookReceiver();
});

afterAll(async () => {
	await emulator?.stop();
	await receiver?.close();
});

describeWithRecordings('replaying the recorded Visionatrix 2.7 session', () => {
	test('admin and alice can check who they are (01, 02)', async () => {
		expectRecordedExactly(await admin.get('/other/whoami'), recorded(1));
		expectRecordedExactly(await alice.get('/other/whoami'), recorded(2));
	});

	test('a wrong password and a missing Authorization header get the bare-text 401 (03, 04)', async () => {
		expectRecordedExactly(
			await alice.as({ username: 'alice', password: 'wrong' }).get('/other/whoami'),
			recorded(3),
		);
		expectRecordedExactly(await alice.as(null).get('/other/whoami'), recorded(4));
	});

	test('alice creates task 1 from sdxl_lighting with seed 42 and sees it queued (20, 21)', async () => {
		expectRecordedExactly(await alice.createTask('sdxl_lighting', fieldsOf(20)), recorded(20));
		expectRecordedJson(await alice.get('/tasks/progress/1'), recorded(21));
	});

	test('count=2 creates tasks 2 and 3 with consecutive seeds (22)', async () => {
		expectRecordedExactly(await alice.createTask('sdxl_lighting', fieldsOf(22)), recorded(22));
		expect((await alice.get('/tasks/progress/2')).json().input_params.seed).toBe(42);
		expect((await alice.get('/tasks/progress/3')).json().input_params.seed).toBe(43);
	});

	test('rejected creations answer like the server: unknown flow, priority 99, bad webhook headers (23-25)', async () => {
		expectRecordedExactly(await alice.createTask('no_such_flow', fieldsOf(23)), recorded(23));
		expectRecordedExactly(await alice.createTask('sdxl_lighting', fieldsOf(24)), recorded(24));
		const webhookFields = fieldsOf(25).map(([name, value]): [string, FieldValue] =>
			name === 'webhook_url' ? [name, `${receiver.url}/hooks/vix`] : [name, value],
		);
		const badHeaders = await alice.createTask('sdxl_lighting', webhookFields);
		expectRecordedExactly(badHeaders, recorded(25));
		expect(badHeaders.headers.connection).toBe('close');
		expect(emulator.tasks.map((task) => task.id)).toEqual([1, 2, 3]);
	});

	test('a birefnet task without its input image is refused but uses up id 4 (26)', async () => {
		expectRecordedExactly(await alice.createTask('remove_background_birefnet', []), recorded(26));
		expect(emulator.task(4)).toBeUndefined();
	});

	test('the worker takes task 1 and reports 10 then 55.5 (27-29)', async () => {
		const next = await worker.next(recorded(27).request.json_body!.tasks_names as string[]);
		expectRecordedJson(next, recorded(27));
		const progress = recorded(28).request.json_body!;
		expect(
			(await worker.progress(1, progress.progress as number, progress.execution_time as number))
				.status,
		).toBe(recorded(28).response.status);
		expect((await worker.progress(1, 55.5, 5.55)).status).toBe(204);
		expectRecordedJson(await alice.get('/tasks/progress/1'), recorded(29));
	});

	test('the worker uploads two PNGs, reports 100 and unlocks; alice sees task 1 completed (30-32)', async () => {
		expect((await worker.upload(1, task1Results)).status).toBe(recorded(30).response.status);
		expect((await worker.progress(1, 100, 7.25, '', FINISH_DETAILS)).status).toBe(204);
		expect((await worker.unlock(1)).status).toBe(recorded(31).response.status);
		expectRecordedJson(await alice.get('/tasks/progress/1'), recorded(32), (body) => {
			body.outputs[0].file_size = task1ResultsSize;
		});
	});

	test('with task 2 at 55.5 and task 3 queued, the summary lists all three (33)', async () => {
		const next = await worker.next(['sdxl_lighting']);
		expect(next.json().task_id).toBe(2);
		await worker.progress(2, 10, 1.0);
		await worker.progress(2, 55.5, 5.55);
		expectRecordedJson(await alice.get('/tasks/progress-summary'), recorded(33), (body) => {
			body['1'].outputs[0].file_size = task1ResultsSize;
		});
	});

	test('alice downloads each result of task 1, with the trailing "_" dropped from the name (34, 35, 40)', async () => {
		for (const [number, index] of [
			[34, 0],
			[35, 1],
			[40, 0],
		]) {
			const exchange = recorded(number);
			const response = await alice.get('/tasks/results', { query: queryOf(exchange) });
			expect(response.status).toBe(200);
			expectRecordedHeaders(response, exchange);
			expect(response.headers['content-length']).toBe(String(task1Results[index].data.length));
			expect(response.body.equals(task1Results[index].data)).toBe(true);
			const info = pngInfo(response.body);
			expect([info.width, info.height]).toEqual(
				(exchange.response.body as { png_size_px: number[] }).png_size_px,
			);
		}
	});

	test('batch_index=-1 gives all results as a stored ZIP named {task}_{node}_results.zip (36)', async () => {
		const exchange = recorded(36);
		const response = await alice.get('/tasks/results', { query: queryOf(exchange) });
		expect(response.status).toBe(200);
		expectRecordedHeaders(response, exchange);
		const entries = zipEntries(response.body);
		const recordedEntries = (exchange.response.body as { zip_entries: Array<{ name: string }> })
			.zip_entries;
		expect(entries.map((entry) => entry.name)).toEqual(recordedEntries.map((entry) => entry.name));
		expect(entries.map((entry) => entry.data)).toEqual(task1Results.map((file) => file.data));
		// Stored entries, no extra fields: the recorded 394 bytes minus its two 82-byte files.
		expect(response.body.length).toBe(394 - 2 * 82 + task1ResultsSize);
		expect(response.headers['content-length']).toBe(String(response.body.length));
	});

	test('result errors: index out of range, task not completed, unknown node (37-39)', async () => {
		for (const number of [37, 38, 39]) {
			expectRecordedExactly(
				await alice.get('/tasks/results', { query: queryOf(recorded(number)) }),
				recorded(number),
			);
		}
	});

	test('alice creates task 5 from an uploaded PNG and task 6 from task 1 node 9 (41-43)', async () => {
		const upload = recorded(41).request.form_fields[0] as {
			filename: string;
			content_type: string;
		};
		const created = await alice.createTask('remove_background_birefnet', [
			[
				'input_image',
				{ data: redPng, filename: upload.filename, contentType: upload.content_type },
			],
		]);
		expectRecordedExactly(created, recorded(41));
		expectRecordedExactly(
			await alice.createTask('remove_background_birefnet', fieldsOf(42)),
			recorded(42),
		);
		expectRecordedJson(await alice.get('/tasks/progress/6'), recorded(43), (body) => {
			body.input_files[0].file_size = task1Results[0].data.length;
		});
	});

	test('the worker fails task 5 at 55.5; alice sees the error (44)', async () => {
		expect((await worker.next(['remove_background_birefnet'])).json().task_id).toBe(5);
		await worker.progress(5, 10, 1.0);
		await worker.progress(5, 55.5, 5.55);
		await worker.progress(5, 55.5, 6.0, 'Fake worker: simulated failure');
		await worker.unlock(5);
		expectRecordedJson(await alice.get('/tasks/progress/5'), recorded(44), (body) => {
			body.input_files[0].file_size = redPng.length;
		});
	});

	test('summaries with mixed states and by flow name; not-found and validation errors (45-49)', async () => {
		expectRecordedJson(await alice.get('/tasks/progress-summary'), recorded(45), (body) => {
			body['1'].outputs[0].file_size = task1ResultsSize;
			body['5'].input_files[0].file_size = redPng.length;
			body['6'].input_files[0].file_size = task1Results[0].data.length;
		});
		expectRecordedJson(
			await alice.get('/tasks/progress-summary', { query: queryOf(recorded(46)) }),
			recorded(46),
			(body) => {
				body['1'].outputs[0].file_size = task1ResultsSize;
			},
		);
		expectRecordedExactly(await alice.get('/tasks/progress/999999'), recorded(47));
		expectRecordedExactly(await alice.get('/tasks/progress/abc'), recorded(48));
		expectRecordedExactly(await alice.get('/tasks/progress/4'), recorded(49));
	});

	test('priority can be changed only while a task is queued, and only up to 15 (50-54)', async () => {
		expectRecordedExactly(
			await alice.putJson('/tasks/update', { priority: 5 }, { query: { task_id: 3 } }),
			recorded(50),
		);
		expectRecordedJson(await alice.get('/tasks/progress/3'), recorded(51));
		expectRecordedExactly(
			await alice.putJson('/tasks/update', { priority: 5 }, { query: { task_id: 1 } }),
			recorded(52),
		);
		expectRecordedExactly(
			await alice.putJson('/tasks/update', { priority: 5 }, { query: { task_id: 2 } }),
			recorded(53),
		);
		expectRecordedExactly(
			await alice.putJson('/tasks/update', { priority: 16 }, { query: { task_id: 3 } }),
			recorded(54),
		);
	});

	test('cancelling removes a queued task, leaves a finished one, and 404s an unknown one (55-59)', async () => {
		expectRecordedExactly(await alice.delete('/tasks/queue/3'), recorded(55));
		expectRecordedExactly(await alice.get('/tasks/progress/3'), recorded(56));
		expectRecordedExactly(await alice.delete('/tasks/queue/1'), recorded(57));
		expectRecordedJson(
			await alice.get('/tasks/progress-summary', { query: queryOf(recorded(58)) }),
			recorded(58),
			(body) => {
				body['1'].outputs[0].file_size = task1ResultsSize;
			},
		);
		expectRecordedExactly(await alice.delete('/tasks/queue/999999'), recorded(59));
	});

	test('cancelling a running task removes it; the worker learns on its next report (60, 61)', async () => {
		expectRecordedExactly(await alice.delete('/tasks/queue/2'), recorded(60));
		const progress = recorded(61).request.json_body!;
		expectRecordedExactly(
			await worker.progress(2, progress.progress as number, progress.execution_time as number),
			recorded(61),
		);
	});

	test('only failed tasks restart unless forced; finished ones never (62-65)', async () => {
		expectRecordedExactly(
			await alice.post('/tasks/restart', { query: queryOf(recorded(62)) }),
			recorded(62),
		);
		expectRecordedJson(await alice.get('/tasks/progress/5'), recorded(63), (body) => {
			body.input_files[0].file_size = redPng.length;
		});
		expectRecordedExactly(
			await alice.post('/tasks/restart', { query: queryOf(recorded(64)) }),
			recorded(64),
		);
		expectRecordedExactly(
			await alice.post('/tasks/restart', { query: queryOf(recorded(65)) }),
			recorded(65),
		);
	});

	test('deleting a task removes it; deleting an unknown one is a 404 (66-68)', async () => {
		expectRecordedExactly(
			await alice.delete('/tasks/task', { query: queryOf(recorded(66)) }),
			recorded(66),
		);
		expectRecordedExactly(await alice.get('/tasks/progress/6'), recorded(67));
		expectRecordedExactly(
			await alice.delete('/tasks/task', { query: queryOf(recorded(68)) }),
			recorded(68),
		);
	});

	test('a worker asking only for sdxl_lighting gets nothing while only birefnet task 5 waits (69)', async () => {
		const body = recorded(69).request.json_body!;
		expectRecordedExactly(
			await worker.next(body.tasks_names as string[], body.last_task_name as string),
			recorded(69),
		);
	});

	test('task 7 with a webhook runs to completion; the receiver gets 10, 55.5 and 100 (80, 81, 90)', async () => {
		const webhookUrl = `${receiver.url}/hooks/vix`;
		const fields = fieldsOf(80).map(([name, value]): [string, FieldValue] => [
			name,
			name === 'webhook_url' ? webhookUrl : value,
		]);
		expectRecordedExactly(await alice.createTask('sdxl_lighting', fields), recorded(80));
		expect((await worker.next(['sdxl_lighting'], 'sdxl_lighting')).json().task_id).toBe(7);
		await runToCompletion(7, resultPngs(7));
		expectRecordedJson(await alice.get('/tasks/progress/7'), recorded(81), (body) => {
			body.webhook_url = webhookUrl;
			body.outputs[0].file_size = resultPngs(7).reduce((sum, file) => sum + file.data.length, 0);
		});
		const expected = recordedWebhookCalls(90).calls;
		const calls = await receiver.waitForCalls(expected.length);
		expect(
			calls.map((call) => ({
				method: call.method,
				path: call.path,
				headers: {
					'x-token': call.headers['x-token'],
					'content-type': call.headers['content-type'],
				},
				body_raw: call.bodyRaw,
			})),
		).toEqual(
			expected.map(({ method, path, headers, body_raw }) => ({ method, path, headers, body_raw })),
		);
	});

	test('task 8 with a webhook fails; the failure arrives as a progress call with the error (82, 91)', async () => {
		receiver.calls.length = 0;
		const fields = fieldsOf(82).map(([name, value]): [string, FieldValue] => [
			name,
			name === 'webhook_url' ? `${receiver.url}/hooks/vix` : value,
		]);
		expectRecordedExactly(await alice.createTask('sdxl_lighting', fields), recorded(82));
		expect((await worker.next(['sdxl_lighting'], 'sdxl_lighting')).json().task_id).toBe(8);
		await worker.progress(8, 10, 1.0);
		await worker.progress(8, 55.5, 6.0, 'Fake worker: simulated failure');
		await worker.unlock(8);
		const expected = recordedWebhookCalls(91).calls;
		const calls = await receiver.waitForCalls(expected.length);
		expect(calls.map((call) => [call.path, call.headers['x-token'], call.bodyRaw])).toEqual(
			expected.map((call) => [call.path, call.headers['x-token'], call.body_raw]),
		);
	});

	test('audio, video and text flows report their output node and type on creation (70-72)', async () => {
		expectRecordedExactly(await alice.createTask('stable_audio_open', fieldsOf(70)), recorded(70));
		expectRecordedExactly(await alice.createTask('ltxv_txt2video', fieldsOf(71)), recorded(71));
		expectRecordedExactly(await alice.createTask('ask_ai_internal', fieldsOf(72)), recorded(72));
		for (const id of [9, 10, 11])
			expect((await alice.delete('/tasks/task', { query: { task_id: id } })).status).toBe(204);
	});

	test("even an admin cannot see alice's tasks through progress or the summary (73, 74)", async () => {
		expectRecordedExactly(await admin.get('/tasks/progress/1'), recorded(73));
		expectRecordedExactly(await admin.get('/tasks/progress-summary'), recorded(74));
	});

	test('the pre-1.7 /api prefix is not routed, and without auth even that path answers 401 (95, 96)', async () => {
		const legacy = alice.withPrefix('');
		expectRecordedExactly(await legacy.get(recorded(95).request.path), recorded(95));
		expectRecordedExactly(await legacy.as(null).get(recorded(96).request.path), recorded(96));
	});

	test('every task carries the server start time as created_at', () => {
		const stamps = new Set(emulator.tasks.map((task) => task.createdAt));
		expect(stamps.size).toBe(1);
	});
});
