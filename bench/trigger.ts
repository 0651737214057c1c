/**
 * What a poll of the Visionatrix Trigger costs on a server with a history, next to the summary of
 * that history (what every poll of the trigger's first release read, and what its full look reads
 * now every 30th poll). The trigger runs in n8n's poll executor (test/harness/poll.ts) in this
 * process, against an emulator of its own holding `history` finished tasks (a fifth of them
 * another user's). Between two polls the user queues one task and the other user two, so the
 * user's tasks interleave with the other's; some are still running at the poll. The rows count the
 * bytes and the emulator's time of the trigger's answers per poll, and check that every one of the
 * user's tasks started the workflow exactly once.
 */
import { VisionatrixApi } from '../credentials/VisionatrixApi.credentials';
import { VisionatrixTrigger } from '../nodes/VisionatrixTrigger/VisionatrixTrigger.node';
import { FULL_LOOK_EVERY } from '../nodes/VisionatrixTrigger/taskScan';
import { startEmulator } from '../test/emulator';
import type { RecordedRequest, VisionatrixEmulator } from '../test/emulator/types';
import { PolledTrigger } from '../test/harness/poll';
import { API_VERSION, PREFIX, USER } from './clients/plain-http';

const TRIGGER_TYPE = 'n8n-nodes-visionatrix.visionatrixTrigger';
const OTHER_USER = { username: 'admin', password: 'admin' };

export interface TriggerRow {
	id: string;
	history: number;
	polls: number;
	/** Body bytes and emulator ms of one summary of every task of the user, read before the polls. */
	summaryBytes: number;
	summaryMs: number;
	/** Body bytes, requests and emulator ms of the trigger's answers, per poll (the activation's excluded). */
	bytesPerPoll: number;
	/** Body bytes of the median poll: a poll without the full look. */
	medianPollBytes: number;
	requestsPerPoll: number;
	msPerPoll: number;
	/** The user's tasks queued during the run, how many of them started the workflow, how many twice. */
	queued: number;
	emitted: number;
	emittedTwice: number;
	/** Tasks that started the workflow but are not the user's (the other user's): must be 0. */
	foreign: number;
	error?: string;
}

async function queue(
	emulator: VisionatrixEmulator,
	user: { username: string; password: string },
	count: number,
): Promise<number[]> {
	const form = new FormData();
	form.append('prompt', 'a lighthouse at dusk');
	form.append('count', String(count));
	const response = await fetch(`${emulator.url}${PREFIX}/tasks/create/sdxl_lighting`, {
		method: 'PUT',
		headers: {
			authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
		},
		body: form,
	});
	if (!response.ok) throw new Error(`create: ${response.status} ${await response.text()}`);
	return ((await response.json()) as { tasks_ids: number[] }).tasks_ids;
}

/** What the trigger's first release read at every poll: the summary of every task of the user. */
async function fullSummary(emulator: VisionatrixEmulator): Promise<RecordedRequest> {
	const response = await fetch(`${emulator.url}${PREFIX}/tasks/progress-summary?group_scope=0`, {
		headers: {
			authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`,
		},
	});
	await response.arrayBuffer();
	return emulator.requests.at(-1)!;
}

function trigger(emulator: VisionatrixEmulator): PolledTrigger {
	return new PolledTrigger({
		trigger: { name: 'Task Finished', type: TRIGGER_TYPE, parameters: { event: 'finished' } },
		nodeTypes: { [TRIGGER_TYPE]: new VisionatrixTrigger() },
		credentialTypes: [new VisionatrixApi()],
		credentials: {
			visionatrixApi: { baseUrl: `${emulator.url}/`, apiVersion: API_VERSION, ...USER },
		},
	});
}

const idsOf = (emitted: Awaited<ReturnType<PolledTrigger['tick']>>): number[] =>
	emitted ? emitted[0].map((item) => item.json.task_id as number) : [];

async function measure(emulator: VisionatrixEmulator, history: number, polls: number) {
	const summary = await fullSummary(emulator);
	const workflow = trigger(emulator);
	await workflow.activate();
	const queued: number[] = [];
	const emitted: number[] = [];
	const answers: RecordedRequest[] = [];
	const pollBytes: number[] = [];
	for (let poll = 0; poll < polls; poll++) {
		await queue(emulator, OTHER_USER, 1);
		queued.push(...(await queue(emulator, USER, 1)));
		await queue(emulator, OTHER_USER, 1);
		const from = emulator.requests.length;
		emitted.push(...idsOf(await workflow.tick()));
		const answered = emulator.requests.slice(from);
		answers.push(...answered);
		pollBytes.push(answered.reduce((total, r) => total + r.responseBytes, 0));
	}
	await Promise.all(queued.map(async (id) => await emulator.waitForTask(id)));
	for (let poll = 0; poll < 2; poll++) emitted.push(...idsOf(await workflow.tick()));
	if (workflow.errors.length) throw workflow.errors[0];
	const once = new Set(emitted);
	const sum = (pick: (r: RecordedRequest) => number) =>
		answers.reduce((total, r) => total + pick(r), 0);
	return {
		id: `trigger-h${history}`,
		history,
		polls,
		summaryBytes: summary.responseBytes,
		summaryMs: summary.handlingMs,
		bytesPerPoll: sum((r) => r.responseBytes) / polls,
		medianPollBytes: pollBytes.sort((a, b) => a - b)[Math.floor(polls / 2)],
		requestsPerPoll: answers.length / polls,
		msPerPoll: sum((r) => r.handlingMs) / polls,
		queued: queued.length,
		emitted: queued.filter((id) => once.has(id)).length,
		emittedTwice: emitted.length - once.size,
		foreign: [...once].filter((id) => !queued.includes(id)).length,
	};
}

/** One row: `polls` polls (a multiple of the full look's period) on a server with `history` tasks. */
export async function runTriggerRow(history: number, polls: number): Promise<TriggerRow> {
	const emulator = await startEmulator({ history, taskDurationMs: 20, workers: 2 });
	try {
		return await measure(emulator, history, polls);
	} catch (error) {
		return {
			id: `trigger-h${history}`,
			history,
			polls,
			summaryBytes: 0,
			summaryMs: 0,
			bytesPerPoll: 0,
			medianPollBytes: 0,
			requestsPerPoll: 0,
			msPerPoll: 0,
			queued: 0,
			emitted: 0,
			emittedTwice: 0,
			foreign: 0,
			error: (error as Error).message,
		};
	} finally {
		await emulator.stop();
	}
}

/** Three full looks' worth of polls (two in a quick run). */
export const triggerPolls = (quick: boolean) => (quick ? 2 : 3) * FULL_LOOK_EVERY;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export function triggerTable(rows: TriggerRow[]): string {
	const lines = [
		"| history | polls | summary of the history | per poll: bytes | median poll | requests | emulator ms | bytes ÷ summary | user's tasks started / queued | twice | other user's started |",
		'|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const r of rows) {
		lines.push(
			r.error
				? `| ${r.history} | ${r.polls} | FAILED: ${r.error} | | | | | | | | |`
				: `| ${r.history} | ${r.polls} | ${kb(r.summaryBytes)} KB, ${r.summaryMs.toFixed(1)} ms | ${kb(r.bytesPerPoll)} KB | ${kb(r.medianPollBytes)} KB | ${r.requestsPerPoll.toFixed(1)} | ${r.msPerPoll.toFixed(2)} | ${(r.bytesPerPoll / r.summaryBytes).toFixed(3)}× | ${r.emitted} / ${r.queued} | ${r.emittedTwice} | ${r.foreign} |`,
		);
	}
	return lines.join('\n');
}

export function triggerTargets(
	rows: TriggerRow[],
): Array<{ target: string; measured: string; pass: boolean }> {
	return rows.flatMap((r) => [
		{
			target: `Trigger, history ${r.history}: bytes per poll ≤ 0.1 × a summary of the history`,
			measured: r.error
				? `failed: ${r.error}`
				: `${kb(r.bytesPerPoll)} KB / ${kb(r.summaryBytes)} KB = ${(r.bytesPerPoll / r.summaryBytes).toFixed(3)}×`,
			pass: !r.error && r.bytesPerPoll <= 0.1 * r.summaryBytes,
		},
		{
			target: `Trigger, history ${r.history}: each of the user's tasks starts the workflow once (none missed, none twice)`,
			measured: r.error
				? `failed: ${r.error}`
				: `${r.emitted} of ${r.queued}, ${r.emittedTwice} twice, ${r.foreign} of the other user's`,
			pass: !r.error && r.emitted === r.queued && r.emittedTwice === 0 && r.foreign === 0,
		},
	]);
}
