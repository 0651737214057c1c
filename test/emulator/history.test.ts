/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** The emulator as a server that has run for months: its history, its answers' real sizes, its request log. */
import axios from 'axios';

import { startEmulator, type VisionatrixEmulator } from '.';

const alice = { username: 'alice', password: 'alice' };

describe('an emulator with a history', () => {
	let vix: VisionatrixEmulator;
	const get = async (path: string, params: Record<string, unknown> = {}) =>
		await axios.get(`${vix.url}/vapi${path}`, {
			auth: alice,
			params,
			validateStatus: () => true,
			responseType: 'text',
			transformResponse: (x) => x,
		});

	beforeAll(async () => {
		vix = await startEmulator({ history: 2000, workers: 0 });
	});
	afterAll(async () => await vix.stop());

	it('holds N finished tasks before the test starts: several flows and group scopes, some of another user', async () => {
		expect(vix.tasks).toHaveLength(2000);
		expect(vix.tasks.every((task) => task.state === 'completed' || task.state === 'failed')).toBe(
			true,
		);
		const flows = new Set(vix.tasks.map((task) => task.flow));
		const groups = new Set(vix.tasks.map((task) => task.groupScope));
		expect(flows.size).toBeGreaterThanOrEqual(3);
		expect([...groups].sort()).toEqual([1, 2, 3]);
		const others = vix.tasks.filter((task) => task.userId !== 'alice');
		expect(others.length).toBeGreaterThan(0);
		expect(others.length).toBeLessThan(1000);

		const all = JSON.parse((await get('/tasks/progress-summary', { group_scope: 0 })).data);
		expect(Object.keys(all)).toHaveLength(2000 - others.length);
		const some = JSON.parse(
			(await get('/tasks/progress-summary', { name: 'sdxl_lighting', group_scope: 2 })).data,
		);
		const expected = vix.tasks.filter(
			(task) => task.userId === 'alice' && task.flow === 'sdxl_lighting' && task.groupScope === 2,
		);
		expect(Object.keys(some).map(Number)).toEqual(expected.map((task) => task.id));
	});

	it('numbers new tasks after the history', async () => {
		const form = new FormData();
		form.append('prompt', 'a red fox sitting in fresh snow, photo');
		form.append('steps_number', '8 steps');
		form.append('seed', '42');
		const created = await axios.put(`${vix.url}/vapi/tasks/create/sdxl_lighting`, form, {
			auth: alice,
		});
		expect(created.data.tasks_ids).toEqual([2001]);
	});

	it('answers a task with a flow graph as large as the real one (4,200 bytes for a queued sdxl_lighting task)', async () => {
		const answer = await get('/tasks/progress/2001');
		expect(answer.status).toBe(200);
		// The recorded queued task 1 (same inputs): content-length 4200; task_id 2001 has three digits more.
		expect(Number(answer.headers['content-length'])).toBe(4200 + 3);
		const summaryEntry = JSON.parse(
			(await get('/tasks/progress-summary', { name: 'sdxl_lighting' })).data,
		)['2001'];
		expect(summaryEntry).not.toHaveProperty('flow_comfy');
		expect(Buffer.byteLength(JSON.stringify(summaryEntry))).toBeGreaterThan(600);
	});

	it("logs each answer's size and the time spent building it", async () => {
		vix.clearRequests();
		const small = await get('/tasks/progress/2001');
		const big = await get('/tasks/progress-summary', { group_scope: 0 });
		const [first, second] = vix.requests;
		expect(first.responseBytes).toBe(Number(small.headers['content-length']));
		expect(second.responseBytes).toBe(Number(big.headers['content-length']));
		expect(second.responseBytes).toBeGreaterThan(1_000_000);
		expect(second.handlingMs).toBeGreaterThan(0);
		expect(second.handlingMs).toBeLessThanOrEqual(second.finishedAt! - second.receivedAt + 1);
	});
});
