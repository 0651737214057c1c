/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-hardcoded-secrets
	-- test code, run by Node.js and never shipped */
/**
 * The credential's password never leaks, through n8n's engine: failing runs (401, network errors,
 * 5xx, a proxy's HTML page, rejected and lost creates) with a distinctive password, and the
 * password (plain, or in its Basic form) is found in no error (message, description, JSON, causes),
 * no output item and nothing logged (console, stdout/stderr, n8n's Logger and LoggerProxy). And the
 * Authorization header goes to the credential's host only, never along a redirect to another one.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import { Logger } from '@n8n/backend-common';
import { LoggerProxy } from 'n8n-workflow';

import { ROUTES, startEmulator, type Faults, type VisionatrixEmulator } from '../emulator';
import { Container } from '../harness/di';
import type { RunResult } from '../harness';
import {
	createTask,
	credentialFor,
	getResults,
	run,
	sharedEmulator,
	statusesOf,
	visionatrix,
	waitFor,
} from './helpers';

const USER = 'vix-operator';
const PASSWORD = 'pw-S3cr3t-5e2b7c91-dont-leak';
const WRONG_PASSWORD = 'pw-S3cr3t-wrong-0a4d';
const SECRETS = [
	PASSWORD,
	WRONG_PASSWORD,
	Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
	Buffer.from(`${USER}:${WRONG_PASSWORD}`).toString('base64'),
	// A password URL-encoded or quoted somewhere would still contain this.
	'S3cr3t',
];

let emulator: VisionatrixEmulator;
let faults: Faults;
const logged: string[] = [];
const restorers: Array<() => void> = [];

const dump = (value: unknown) =>
	inspect(value, {
		depth: 12,
		showHidden: true,
		maxArrayLength: 500,
		maxStringLength: 100_000,
		breakLength: Infinity,
	});

sharedEmulator(
	{ taskDurationMs: 80, users: [{ username: USER, password: PASSWORD }] },
	(started, injected) => {
		emulator = started;
		faults = injected;
	},
);

beforeAll(() => {
	// Everything n8n's loggers are given, whatever the log level (the root logger also backs LoggerProxy).
	Container.get(Logger);
	// `log` is private: every level of every Logger instance goes through it.
	const loggerPrototype = Logger.prototype as unknown as {
		log: (level: string, message: string, metadata: unknown) => void;
	};
	const log = jest.spyOn(loggerPrototype, 'log').mockImplementation((level, message, metadata) => {
		logged.push(`logger ${level}: ${message} ${dump(metadata)}`);
	});
	restorers.push(() => log.mockRestore());
	const proxy = { ...LoggerProxy };
	LoggerProxy.init({
		error: (message: string, meta?: object) => logged.push(`proxy error: ${message} ${dump(meta)}`),
		warn: (message: string, meta?: object) => logged.push(`proxy warn: ${message} ${dump(meta)}`),
		info: (message: string, meta?: object) => logged.push(`proxy info: ${message} ${dump(meta)}`),
		debug: (message: string, meta?: object) => logged.push(`proxy debug: ${message} ${dump(meta)}`),
	} as Parameters<typeof LoggerProxy.init>[0]);
	restorers.push(() =>
		LoggerProxy.init(proxy as unknown as Parameters<typeof LoggerProxy.init>[0]),
	);

	for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
		const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			logged.push(`console.${method}: ${args.map(dump).join(' ')}`);
		});
		restorers.push(() => spy.mockRestore());
	}
	for (const stream of [process.stdout, process.stderr]) {
		const original = stream.write.bind(stream);
		const spy = jest.spyOn(stream, 'write').mockImplementation(((
			chunk: unknown,
			...rest: unknown[]
		) => {
			logged.push(`${stream === process.stdout ? 'stdout' : 'stderr'}: ${String(chunk)}`);
			return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write);
		restorers.push(() => spy.mockRestore());
	}
});
afterAll(() => {
	for (const restore of restorers.reverse()) restore();
});

const credential = (password = PASSWORD) => credentialFor(emulator, { username: USER, password });

/** Everything a run leaves behind that a user or a log could see. */
function traces(result: RunResult): Record<string, string> {
	return {
		message: String(result.error?.message),
		description: String((result.error as { description?: string } | undefined)?.description),
		errorJson: String(JSON.stringify(result.error)),
		errorInspected: dump(result.error),
		runData: JSON.stringify(result.runData),
		runDataInspected: dump(result.runData),
		resultError: String(JSON.stringify(result.run.data.resultData.error)),
		logged: logged.join('\n'),
	};
}

function expectNoSecret(result: RunResult): void {
	const found = Object.entries(traces(result)).flatMap(([where, text]) =>
		SECRETS.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${where}`),
	);
	expect(found).toEqual([]);
}

const generate = () => [
	createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
	waitFor('Wait'),
	getResults('Results'),
];
/** The same, with a wait that gives up after 2 s (an outage is waited out until then). */
const timedOut = () => [
	createTask('Generate', 'sdxl_lighting', { prompt: 'x' }),
	waitFor('Wait', { timeout: 2, pollInterval: 1 }),
	getResults('Results'),
];

describe('the password never shows in errors, output or logs', () => {
	beforeEach(() => {
		logged.length = 0;
	});

	it('a wrong password (401 on the first request)', async () => {
		const result = await run(emulator, generate(), { credential: credential(WRONG_PASSWORD) });
		expect(result.error!.message).toBe(
			'Visionatrix rejected the credentials while trying to list the installed flows (401 Not authenticated)',
		);
		expect(emulator.requests.map((request) => request.headers.authorization)).toEqual([
			`Basic ${SECRETS[3]}`,
		]);
		// The capture works: n8n logged the node's error, and the execution's error object with it.
		expect(
			logged.filter((line) => /^logger error: Visionatrix rejected the credentials/.test(line)),
		).toHaveLength(1);
		expect(
			logged.some(
				(line) =>
					line.startsWith('proxy debug: Workflow execution finished with error') &&
					line.includes('Check the username and password'),
			),
		).toBe(true);
		expectNoSecret(result);
	});

	it('credentials refused mid-run (401 on a progress read), under Continue On Fail', async () => {
		faults.unauthorizedFrom({ afterRequests: 2 });
		const result = await run(
			emulator,
			generate().map((node) => ({ ...node, continueOnFail: true })),
			{ credential: credential() },
		);
		expect(statusesOf(emulator, 'GET', /^\/tasks\/progress\//)).toContain(401);
		expectNoSecret(result);
	});

	it('a server that cannot be reached (connection refused, after the retries)', async () => {
		const gone = await startEmulator();
		const url = gone.url;
		await gone.stop();
		const result = await run(
			emulator,
			[
				visionatrix('Wait', {
					operation: 'waitForCompletion',
					taskId: '7',
					options: { timeout: 2, pollInterval: 1 },
				}),
			],
			{
				credential: { ...credential(), baseUrl: `${url}/` },
			},
		);
		expect(result.error!.message).toMatch(
			/^Task 7 did not finish within 2 seconds; Visionatrix has not answered since .* \(connection refused\)/,
		);
		expectNoSecret(result);
	});

	it('connections dropped on every read', async () => {
		faults.connectionResets({ paths: [ROUTES.progress] });
		const result = await run(emulator, timedOut(), { credential: credential() });
		expect(result.error!.message).toMatch(
			/^Task \d+ did not finish within 2 seconds; Visionatrix has not answered since .* \(connection reset\)/,
		);
		expectNoSecret(result);
	});

	it('a 500 on create', async () => {
		faults.serverErrors({ status: 500, paths: [ROUTES.create] });
		const result = await run(emulator, generate(), { credential: credential() });
		expect(result.error!.message).toBe(
			"Visionatrix failed to create a task of flow 'sdxl_lighting' (500 Internal Server Error) [item 0]",
		);
		// The secrets list matches what is really sent: every request carried the Basic form.
		expect(emulator.requests.map((request) => request.headers.authorization)).toEqual([
			`Basic ${SECRETS[2]}`,
			`Basic ${SECRETS[2]}`,
		]);
		expectNoSecret(result);
	});

	it("a proxy's HTML error page on every progress read", async () => {
		faults.htmlErrorPage({ status: 502, paths: [ROUTES.progress] });
		const result = await run(emulator, timedOut(), { credential: credential() });
		expect(result.error!.message).toMatch(/\(the proxy in front of Visionatrix answered 502\)/);
		expectNoSecret(result);
	});

	it('a create the server rejects (422), and one whose answer is lost', async () => {
		const rejected = await run(
			emulator,
			[createTask('Generate', 'sdxl_lighting', { prompt: 'x' }, { priority: '={{ 99 }}' })],
			{ credential: credential() },
		);
		expect(rejected.error!.message).toMatch(
			/^Visionatrix could not create a task of flow 'sdxl_lighting': 'priority'/,
		);
		expectNoSecret(rejected);

		logged.length = 0;
		const lostAnswer = faults.lostAnswers({ paths: [ROUTES.create] });
		const found = await run(emulator, generate(), { credential: credential() });
		expect(found.status).toBe('success');
		expectNoSecret(found);
		lostAnswer();

		logged.length = 0;
		faults.connectionResets({ paths: [ROUTES.create] });
		const lost = await run(
			emulator,
			[createTask('Generate', 'sdxl_lighting', { prompt: 'dropped' })],
			{ credential: credential() },
		);
		expect(lost.error!.message).toMatch(
			/^The request to create a task of flow 'sdxl_lighting' got no answer from Visionatrix \(connection reset\)/,
		);
		expectNoSecret(lost);
	});

	it('a download that always breaks off', async () => {
		faults.truncatedDownloads({ keepBytes: 50 });
		const result = await run(emulator, generate(), {
			credential: credential(),
			binaryDataMode: 'filesystem',
		});
		expect(result.error!.message).toMatch(
			/^The download of result 0 of output node 9 of task \d+ was cut short 4 times/,
		);
		expectNoSecret(result);
	});
});

describe('the Authorization header goes to the credential host only', () => {
	let other: Server;
	let otherUrl: string;
	const received: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

	beforeAll(async () => {
		other = createServer((request, response) => {
			received.push({ url: request.url ?? '', headers: request.headers });
			response.writeHead(404, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ detail: 'Not Found' }));
		});
		await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
		otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise<void>((resolve) => other.close(() => resolve())));
	beforeEach(() => {
		received.length = 0;
	});

	/** Every GET on `paths` is answered with a 302 to the same path on the other server. */
	const redirectElsewhere = (paths: Array<string | RegExp>) =>
		emulator.intercept((request) => {
			const path = request.path.slice(emulator.prefix.length);
			if (
				request.method !== 'GET' ||
				!paths.some((p) => (typeof p === 'string' ? path.startsWith(p) : p.test(path)))
			)
				return;
			const query = new URLSearchParams(request.query).toString();
			return {
				reply: {
					status: 302,
					headers: { location: `${otherUrl}/elsewhere${path}${query ? `?${query}` : ''}` },
				},
			};
		});

	it('a progress read redirected to another port: followed without the Authorization header', async () => {
		const remove = redirectElsewhere([ROUTES.progress]);
		try {
			const result = await run(emulator, generate(), { credential: credential() });
			expect(result.status).toBe('error');
		} finally {
			remove();
		}
		expect(received.length).toBeGreaterThan(0);
		expect(received.map((request) => request.url.startsWith('/elsewhere/tasks/progress/'))).toEqual(
			received.map(() => true),
		);
		expect(received.map((request) => request.headers.authorization)).toEqual(
			received.map(() => undefined),
		);
		// The requests to the credential's own host did carry it.
		expect(
			emulator.requests.every((request) => request.headers.authorization === `Basic ${SECRETS[2]}`),
		).toBe(true);
	});

	it('a result download redirected to another port: followed without the Authorization header', async () => {
		const remove = redirectElsewhere([ROUTES.results]);
		try {
			await run(emulator, generate(), { credential: credential() });
		} finally {
			remove();
		}
		expect(received.length).toBeGreaterThan(0);
		expect(received.every((request) => request.url.startsWith('/elsewhere/tasks/results?'))).toBe(
			true,
		);
		expect(received.map((request) => request.headers.authorization)).toEqual(
			received.map(() => undefined),
		);
	});
});
