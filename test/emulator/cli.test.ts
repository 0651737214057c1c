/** The command line of the stand-alone emulator (`cli.ts`). */
import { describe as describeListening, parseCli } from './cli';
import { builtInFlows } from './flows';
import { loadPublishedFlows } from './publishedCatalog';

describe('emulator command line', () => {
	test('reads every flag', () => {
		const options = parseCli(
			[
				'--port',
				'9000',
				'--no-auth',
				'--legacy',
				'--task-ms=50',
				'--workers',
				'3',
				'--output-bytes',
				'1024',
				'--user',
				'bob:pw:admin',
				'--user',
				'eve:x',
			],
			{},
		);
		expect(options).toEqual({
			port: 9000,
			auth: false,
			apiVersion: 'legacy',
			taskDurationMs: 50,
			workers: 3,
			outputBytes: 1024,
			users: [
				{ username: 'bob', password: 'pw', isAdmin: true },
				{ username: 'eve', password: 'x', isAdmin: false },
			],
		});
	});

	test('reads the environment, and flags win over it', () => {
		const env = {
			VIX_EMULATOR_PORT: '7000',
			VIX_EMULATOR_AUTH: '0',
			VIX_EMULATOR_WORKERS: '2',
			VIX_EMULATOR_USERS: 'a:b:admin,c:d',
		};
		expect(parseCli(['--port', '7001'], env)).toEqual({
			port: 7001,
			auth: false,
			workers: 2,
			users: [
				{ username: 'a', password: 'b', isAdmin: true },
				{ username: 'c', password: 'd', isAdmin: false },
			],
		});
	});

	test('installs the published catalog with --catalog when the recordings are there, else the built-in flows', () => {
		const names = (loadPublishedFlows() ?? builtInFlows).map((flow) => flow.info.name);
		for (const options of [
			parseCli(['--catalog'], {}),
			parseCli([], { VIX_EMULATOR_CATALOG: '1' }),
		])
			expect(options.flows!.map((flow) => flow.info.name)).toEqual(names);
		expect(parseCli([], { VIX_EMULATOR_CATALOG: '0' }).flows).toBeUndefined();
		expect(describeListening('http://127.0.0.1:1', parseCli(['--catalog'], {}))).toMatch(
			new RegExp(`, users admin, alice, ${names.length} flows\\)$`),
		);
	});

	test('refuses unknown flags and malformed values', () => {
		expect(() => parseCli(['--bogus'], {})).toThrow(/Unknown option/);
		expect(() => parseCli(['--workers', '-1'], {})).toThrow(/whole number/);
		expect(() => parseCli(['--user', 'nopassword'], {})).toThrow(/Bad user/);
		expect(() => parseCli(['--port'], {})).toThrow(/needs a value/);
	});

	test('prints the one line the demo waits for', () => {
		expect(describeListening('http://127.0.0.1:8288', {})).toBe(
			'Visionatrix emulator listening on http://127.0.0.1:8288 (prefix /vapi, auth on, users admin, alice)',
		);
		expect(
			describeListening('http://127.0.0.1:1', {
				auth: false,
				apiVersion: 'legacy',
				users: [{ username: 'bob', password: 'x' }],
			}),
		).toBe(
			'Visionatrix emulator listening on http://127.0.0.1:1 (prefix /api, auth off, users bob)',
		);
	});
});
