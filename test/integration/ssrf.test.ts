/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/**
 * A Visionatrix server on a private or local address while n8n's SSRF protection is on
 * (N8N_SSRF_PROTECTION_ENABLED, off by default in n8n 2.x and 3.0): n8n refuses the node's
 * requests before they leave, and allows the addresses the administrator lists. Here the emulator
 * is the private server (127.0.0.1), and `localhost` is the one name allowed.
 */
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { createTask, credentialFor, run, visionatrix } from './visionatrix';

// n8n reads its SSRF settings once, at the first request of this test file.
process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
process.env.N8N_SSRF_ALLOWED_HOSTNAMES = 'localhost';

let emulator: VisionatrixEmulator;
beforeAll(async () => {
	emulator = await startEmulator({ taskDurationMs: 100 });
});
afterAll(async () => {
	await emulator.stop();
	delete process.env.N8N_SSRF_PROTECTION_ENABLED;
	delete process.env.N8N_SSRF_ALLOWED_HOSTNAMES;
});

it('a blocked address: the error names the settings that allow it, nothing is sent, and a wait does not take it for an outage', async () => {
	const result = await run(emulator, [
		visionatrix('Wait', {
			operation: 'waitForCompletion',
			taskId: '1',
			options: { timeout: 30, pollInterval: 1 },
		}),
	]);
	expect(result.status).toBe('error');
	expect(result.error!.message).toBe(
		`n8n's SSRF protection blocked the request to Visionatrix at ${emulator.url}/vapi to get the progress of task 1: allow the server's address in n8n's settings (N8N_SSRF_ALLOWED_IP_RANGES, for example 192.168.1.20/32, or N8N_SSRF_ALLOWED_HOSTNAMES)`,
	);
	expect(emulator.requests).toEqual([]);
});

it('an allowed name: the same server, reached as localhost, runs the task', async () => {
	const credential = credentialFor(emulator);
	credential.baseUrl = `${emulator.url.replace('127.0.0.1', 'localhost')}/`;
	const result = await run(emulator, [createTask('Generate', 'sdxl_lighting', { prompt: 'x' })], {
		credential,
	});
	expect(result.status).toBe('success');
	expect(emulator.requests.filter((r) => r.path.startsWith('/vapi/tasks/create/'))).toHaveLength(1);
});
