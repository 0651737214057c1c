/**
 * Passing trouble on reads, through n8n's engine: bursts of 5xx, 429 and dropped connections on
 * progress and result reads, slow answers, downloads that break off. Reads are sent again, so the
 * run succeeds with every file byte for byte what the server stored, and the log shows each retry.
 */
import { ROUTES, type Faults, type VisionatrixEmulator } from '../emulator';
import {
	createTask,
	creates,
	expectFilesIntact,
	getResults,
	requestsTo,
	run,
	sharedEmulator,
	statusesOf,
	visionatrix,
	waitFor,
} from './helpers';

let emulator: VisionatrixEmulator;
let faults: Faults;
sharedEmulator({ taskDurationMs: 120, workers: 2 }, (started, injected) => {
	emulator = started;
	faults = injected;
});

const generate = (prompt = 'x') => [
	createTask('Generate', 'sdxl_lighting', { prompt }),
	waitFor('Wait'),
	getResults('Results'),
];
const threeItems = {
	inputItems: ['a cat', 'a dog', 'a bird'].map((prompt) => ({ json: { prompt } })),
};
const RESULTS = '/tasks/results';

describe('bursts of errors on reads are retried, and the run succeeds with intact files', () => {
	it('three 500s on the progress read, then 503, reset and 429 on the download: each read tried again until it gets through', async () => {
		const progressErrors = faults.serverErrors({ count: 3, status: 500, paths: [ROUTES.progress] });
		// Installed in order, each takes the first download attempt the ones before it let through.
		const downloadFaults = [
			faults.serverErrors({ count: 1, status: 503, paths: [ROUTES.results] }),
			faults.connectionResets({ count: 1, paths: [ROUTES.results] }),
			faults.serverErrors({ count: 1, status: 429, paths: [ROUTES.results] }),
		];

		const result = await run(emulator, generate(), { binaryDataMode: 'filesystem' });

		expect(result.status).toBe('success');
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(progressErrors.hits).toBe(3);
		expect(statusesOf(emulator, 'GET', `/tasks/progress/${taskId}`).slice(0, 4)).toEqual([
			500, 500, 500, 200,
		]);
		expect(downloadFaults.map((fault) => fault.hits)).toEqual([1, 1, 1]);
		expect(statusesOf(emulator, 'GET', RESULTS)).toEqual([503, 0, 429, 200]);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(1);
		expect(creates(emulator)).toHaveLength(1);
		expect(emulator.tasks.filter((task) => task.id === taskId)).toHaveLength(1);
	});

	it('several tasks: errors and resets on the shared progress summary and on every download', async () => {
		const summaryFaults = [
			faults.serverErrors({ count: 1, status: 502, paths: ['/tasks/progress-summary'] }),
			faults.connectionResets({ count: 1, paths: ['/tasks/progress-summary'] }),
			faults.serverErrors({ count: 1, status: 504, paths: ['/tasks/progress-summary'] }),
		];
		// Each of the three files: its first download attempt is dropped.
		const tried = new Set<string>();
		const firstTry = (taskId: string) => {
			if (tried.has(taskId)) return false;
			tried.add(taskId);
			return true;
		};
		const resets = faults.connectionResets({
			paths: [ROUTES.results],
			where: (request) => firstTry(request.query.task_id),
		});

		const result = await run(emulator, generate('={{ $json.prompt }}'), {
			...threeItems,
			binaryDataMode: 'filesystem',
		});

		expect(result.status).toBe('success');
		expect(summaryFaults.map((fault) => fault.hits)).toEqual([1, 1, 1]);
		expect(statusesOf(emulator, 'GET', '/tasks/progress-summary').slice(0, 4)).toEqual([
			502, 0, 504, 200,
		]);
		expect(resets.hits).toBe(3);
		const downloads = requestsTo(emulator, 'GET', RESULTS);
		const taskIds = result.outputOf('Generate').map((item) => String(item.json.task_id));
		for (const taskId of taskIds) {
			expect(
				downloads
					.filter((request) => request.query.task_id === taskId)
					.map((request) => request.status),
			).toEqual([0, 200]);
		}
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(3);
		expect(result.outputOf('Results').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(creates(emulator)).toHaveLength(3);
	});

	it('429 with Retry-After on progress reads: waited out, then the run goes on', async () => {
		const limited = faults.serverErrors({
			count: 2,
			status: 429,
			retryAfterSeconds: 1,
			paths: [ROUTES.progress],
		});
		const result = await run(emulator, generate());
		expect(result.status).toBe('success');
		expect(limited.hits).toBe(2);
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(statusesOf(emulator, 'GET', `/tasks/progress/${taskId}`).slice(0, 3)).toEqual([
			429, 429, 200,
		]);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(1);
	});

	it('a progress answer that breaks off mid-body is read again', async () => {
		const cut = faults.truncatedDownloads({ count: 1, keepBytes: 20, paths: [ROUTES.progress] });
		const result = await run(emulator, generate());
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(cut.hits).toBe(1);
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(
			requestsTo(emulator, 'GET', `/tasks/progress/${taskId}`)
				.slice(0, 2)
				.map((request) => [request.status, request.truncatedAt]),
		).toEqual([
			[200, 20],
			[200, undefined],
		]);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(1);
	});

	it('a read that Visionatrix itself fails four times in a row is given up, with the status in the error', async () => {
		const down = faults.serverErrors({ status: 500, paths: [ROUTES.results] });
		const result = await run(emulator, generate());
		expect(result.status).toBe('error');
		const taskId = result.outputOf('Generate')[0].json.task_id as number;
		expect(result.error!.message).toBe(
			`Visionatrix failed to download result 0 of output node 9 of task ${taskId} (500 Internal Server Error) [item 0]`,
		);
		expect(down.hits).toBe(4);
		expect(statusesOf(emulator, 'GET', RESULTS)).toEqual([500, 500, 500, 500]);
	});
});

describe('slow answers', () => {
	it('every request held back still completes, with one create and intact files', async () => {
		const slow = faults.slowResponses({ delayMs: 250 });
		const result = await run(emulator, generate('={{ $json.prompt }}'), threeItems);
		expect(result.status).toBe('success');
		expect(slow.hits).toBe(emulator.requests.length);
		expect(creates(emulator)).toHaveLength(3);
		expect(emulator.requests.every((request) => request.status === 200)).toBe(true);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(3);
	});
});

describe('downloads that break off', () => {
	it.each(['default', 'filesystem'] as const)(
		'are fetched again until whole (binary data mode %s)',
		async (binaryDataMode) => {
			const cut = faults.truncatedDownloads({ count: 2, keepBytes: 100 });
			const result = await run(emulator, generate(), { binaryDataMode });
			expect(result.status).toBe('success');
			expect(cut.hits).toBe(2);
			expect(
				requestsTo(emulator, 'GET', RESULTS).map((request) => [
					request.status,
					request.truncatedAt,
				]),
			).toEqual([
				[200, 100],
				[200, 100],
				[200, undefined],
			]);
			expect(await expectFilesIntact(result, 'Results', emulator)).toBe(1);
			expect(result.outputOf('Results')).toHaveLength(1);
		},
	);

	it('a download that always breaks off fails its item with task, node and batch named; the other items get their files', async () => {
		const result = await run(emulator, generate('={{ $json.prompt }}'), {
			...threeItems,
			binaryDataMode: 'filesystem',
		});
		expect(result.status).toBe('success');
		const taskIds = result.outputOf('Generate').map((item) => item.json.task_id as number);
		expect(await expectFilesIntact(result, 'Results', emulator)).toBe(3);

		// The same three tasks again, with every download of the second one cut.
		emulator.clearRequests();
		const victim = String(taskIds[1]);
		const cut = faults.truncatedDownloads({
			keepBytes: 100,
			where: (request) => request.query.task_id === victim,
		});
		const again = await run(emulator, [{ ...getResults('Results'), continueOnFail: true }], {
			inputItems: taskIds.map((taskId) => ({ json: { task_id: taskId } })),
			binaryDataMode: 'filesystem',
		});
		expect(again.status).toBe('success');
		const items = again.outputOf('Results');
		expect(items.map((item) => Object.keys(item.binary ?? {}))).toEqual([['data'], [], ['data']]);
		const size = emulator.task(taskIds[1])!.results[0].data.length;
		// The error item keeps its task_id beside the message.
		expect(items[1].json).toEqual({
			task_id: Number(victim),
			error: `The download of result 0 of output node 9 of task ${victim} was cut short 4 times (last: the download broke off (aborted)) [item 1]`,
		});
		expect(size).toBeGreaterThan(100);
		expect(cut.hits).toBe(4);
		expect(
			requestsTo(emulator, 'GET', RESULTS).filter((request) => request.query.task_id === victim),
		).toHaveLength(4);
		expect(await expectFilesIntact(again, 'Results', emulator)).toBe(2);
	});
});

describe('the read operations are retried too', () => {
	it('Get Progress, Get Many and the flow list get through a 503 and a dropped connection', async () => {
		const made = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })]);
		const taskId = made.outputOf('Generate')[0].json.task_id as number;
		emulator.clearRequests();
		const injected = [
			faults.serverErrors({ count: 1, status: 503, paths: [ROUTES.progress] }),
			faults.connectionResets({ count: 1, paths: [ROUTES.progress] }),
			faults.serverErrors({ count: 1, status: 503, paths: [ROUTES.flows] }),
			faults.connectionResets({ count: 1, paths: [ROUTES.flows] }),
		];

		const result = await run(emulator, [
			visionatrix('Progress', { operation: 'getProgress', taskId: String(taskId) }),
			visionatrix('List', { operation: 'getMany', returnAll: true }),
			visionatrix('Flows', { resource: 'flow', operation: 'getMany' }),
		]);

		expect(result.status).toBe('success');
		expect(result.outputOf('Progress')[0].json).toMatchObject({ task_id: taskId });
		expect(result.outputOf('List').map((item) => item.json.task_id)).toContain(taskId);
		expect(result.outputOf('Flows').map((item) => item.json.name)).toContain('sdxl_lighting');
		expect(injected.map((fault) => fault.hits)).toEqual([1, 1, 1, 1]);
		expect(statusesOf(emulator, 'GET', `/tasks/progress/${taskId}`)).toEqual([503, 0, 200]);
	});
});
