/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { mapWithConcurrency } from '../../nodes/Visionatrix/shared/concurrency';
import { fileNameFromDisposition, resultFiles } from '../../nodes/Visionatrix/shared/results';
import { parseTaskId, taskStatus } from '../../nodes/Visionatrix/shared/taskStatus';
import { apiBaseUrl } from '../../nodes/Visionatrix/shared/transport';

describe('the base URL of the API', () => {
	it('joins the server address and the prefix of the API generation, whatever trailing slashes', () => {
		expect(apiBaseUrl({ baseUrl: 'http://localhost:8288/', apiVersion: 'current' })).toBe(
			'http://localhost:8288/vapi',
		);
		expect(apiBaseUrl({ baseUrl: 'http://localhost:8288', apiVersion: 'legacy' })).toBe(
			'http://localhost:8288/api',
		);
		expect(apiBaseUrl({ baseUrl: ' https://vix.example.com// ' })).toBe(
			'https://vix.example.com/vapi',
		);
	});
});

describe('the credential', () => {
	const credential = new VisionatrixApi();
	const authenticate = credential.authenticate as (
		credentials: ICredentialDataDecryptedObject,
		options: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;
	const request: IHttpRequestOptions = { url: '/other/whoami' };

	it('sends HTTP Basic auth when a username is set', async () => {
		const signed = await authenticate(
			{ baseUrl: 'http://localhost:8288', username: 'alice', password: 'pw' },
			request,
		);
		expect(signed.auth).toEqual({ username: 'alice', password: 'pw' });
	});

	it('sends no Authorization at all for a server with auth off (both fields empty)', async () => {
		const signed = await authenticate(
			{ baseUrl: 'http://localhost:8288', username: '', password: '' },
			request,
		);
		expect(signed.auth).toBeUndefined();
		expect(signed.headers).toBeUndefined();
	});

	it('tests itself with whoami under the chosen prefix', () => {
		expect(credential.test.request.url).toBe('/other/whoami');
		expect(credential.properties.find((p) => p.name === 'password')?.typeOptions?.password).toBe(
			true,
		);
	});
});

describe('task status', () => {
	it('derives queued, running, completed and failed from progress, lock and error', () => {
		expect(taskStatus({ progress: 0, error: '', locked_at: null })).toBe('queued');
		expect(taskStatus({ progress: 0, error: '', locked_at: '2026-11-27T05:32:42' })).toBe(
			'running',
		);
		expect(taskStatus({ progress: 55.5, error: '' })).toBe('running');
		expect(taskStatus({ progress: 100, error: '' })).toBe('completed');
		expect(taskStatus({ progress: 55.5, error: 'Fake worker: simulated failure' })).toBe('failed');
	});

	it('accepts only positive whole numbers as task ids', () => {
		expect(parseTaskId(' 42 ')).toBe(42);
		expect(parseTaskId(7)).toBe(7);
		for (const bad of ['abc', '4.5', '-1', '0', '', undefined, '1e3'])
			expect(parseTaskId(bad)).toBeUndefined();
	});
});

describe('result files', () => {
	it('lists every output node × batch index of a completed task', () => {
		const files = resultFiles({
			task_id: 1,
			name: 'x',
			progress: 100,
			error: '',
			execution_time: 1,
			outputs: [
				{ comfy_node_id: 9, type: 'image', file_size: 164, batch_size: 2 },
				{ comfy_node_id: 12, type: 'text', file_size: 5, batch_size: 1 },
			],
		});
		expect(files.map((f) => [f.nodeId, f.batchIndex, f.type])).toEqual([
			[9, 0, 'image'],
			[9, 1, 'image'],
			[12, 0, 'text'],
		]);
	});

	it("reads the server's file name, quoted or not", () => {
		expect(fileNameFromDisposition('attachment; filename="1_9_00001.png"')).toBe('1_9_00001.png');
		expect(fileNameFromDisposition('attachment; filename=1_9_results.zip')).toBe('1_9_results.zip');
		expect(fileNameFromDisposition("attachment; filename*=utf-8''caf%C3%A9.png")).toBe('café.png');
		expect(fileNameFromDisposition(undefined)).toBeUndefined();
	});
});

describe('bounded concurrency', () => {
	it('keeps the input order and never runs more than the limit at once', async () => {
		let running = 0;
		let peak = 0;
		const out = await mapWithConcurrency([50, 10, 30, 5, 20, 1], 3, async (ms, i) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setTimeout(r, ms));
			running--;
			return i * 10;
		});
		expect(out).toEqual([0, 10, 20, 30, 40, 50]);
		expect(peak).toBe(3);
	});
});
