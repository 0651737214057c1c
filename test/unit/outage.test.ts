/** The outage watch: what is waited out, how the pauses grow, what happens at the deadline, and what the log says. */
import type { Logger } from 'n8n-workflow';

import { isProxyAnswer } from '../../nodes/Visionatrix/shared/responseErrors';
import { isOutage, OutageWatch } from '../../nodes/Visionatrix/wait/outage';

const refused = () =>
	Object.assign(new Error('Cannot reach Visionatrix (connection refused)'), {
		networkCode: 'ECONNREFUSED',
	});
const proxy502 = () =>
	Object.assign(new Error('The reverse proxy in front of Visionatrix answered 502'), {
		proxyAnswer: true,
		httpCode: '502',
	});
const unauthorized = () =>
	Object.assign(new Error('Visionatrix rejected the credentials (401 Not authenticated)'), {
		httpCode: '401',
	});

function setup(maxDelayMs = 5000) {
	let now = 0;
	const pauses: number[] = [];
	const logger = { warn: jest.fn(), info: jest.fn() } as unknown as Logger & {
		warn: jest.Mock;
		info: jest.Mock;
	};
	const watch = new OutageWatch({
		logger,
		nodeName: 'Generate',
		maxDelayMs,
		now: () => now,
		sleep: async (ms) => {
			pauses.push(ms);
			now += ms;
		},
	});
	return { watch, pauses, logger, advance: (ms: number) => (now += ms) };
}

/** A read that fails with `failures` in turn, then answers `value`. */
function flaky<T>(failures: Error[], value: T) {
	let calls = 0;
	const read = async () => {
		calls++;
		if (calls <= failures.length) throw failures[calls - 1];
		return value;
	};
	return { read, calls: () => calls };
}

describe('what counts as an outage', () => {
	test('no answer, and a proxy answering for the server, do; a 401 or an answer from Visionatrix does not', () => {
		expect(isOutage(refused(), false)).toBe(true);
		expect(isOutage(proxy502(), false)).toBe(true);
		expect(isOutage(unauthorized(), true)).toBe(false);
		expect(isOutage(new Error('anything else'), true)).toBe(false);
	});

	test('a host name that does not resolve counts only once the server has answered (a typo fails at once)', () => {
		const notFound = Object.assign(new Error('host not found'), { networkCode: 'ENOTFOUND' });
		expect(isOutage(notFound, false)).toBe(false);
		expect(isOutage(notFound, true)).toBe(true);
	});
});

describe('waiting out an outage', () => {
	test('tries again, pausing 1 s, 2 s, 4 s, then Max Poll Interval, until the server answers', async () => {
		const { watch, pauses } = setup(5000);
		const read = flaky([refused(), proxy502(), refused(), refused(), refused()], 'states');
		expect(await watch.read(read.read, 60_000, () => 'stand-in')).toBe('states');
		expect(pauses).toEqual([1000, 2000, 4000, 5000, 5000]);
		expect(read.calls()).toBe(6);
	});

	test('the log says once that the server stopped answering, and once that it answers again', async () => {
		const { watch, logger } = setup();
		await watch.read(flaky([refused(), refused(), refused()], 1).read, 60_000, () => 0);
		expect(logger.warn.mock.calls).toEqual([
			[
				'Visionatrix node "Generate": Visionatrix stopped answering (Cannot reach Visionatrix (connection refused)); the wait goes on until it answers again or the timeout',
			],
		]);
		expect(logger.info.mock.calls).toEqual([
			[
				'Visionatrix node "Generate": Visionatrix answers again after 7 s without an answer; the wait goes on',
			],
		]);
		expect(watch.current).toBeUndefined();
	});

	test('at the deadline: the stand-in, the last pause cut to the time left; the outage stays known', async () => {
		const { watch, pauses } = setup(5000);
		const read = flaky(Array.from({ length: 10 }, refused), 'never');
		expect(await watch.read(read.read, 2500, () => 'stand-in')).toBe('stand-in');
		expect(pauses).toEqual([1000, 1500]);
		expect(watch.current).toMatchObject({ since: 0 });
	});

	test('anything that is not an outage goes to the caller at once', async () => {
		const { watch, pauses } = setup();
		await expect(watch.read(flaky([unauthorized()], 1).read, 60_000, () => 0)).rejects.toThrow(
			'401 Not authenticated',
		);
		expect(pauses).toEqual([]);
	});
});

describe("a proxy's answer", () => {
	test("a 502, 503 or 504 whose body is not Visionatrix's JSON: plain text, an HTML page, nothing", () => {
		expect(isProxyAnswer(502, 'Bad Gateway')).toBe(true);
		expect(
			isProxyAnswer(504, '<html><head><title>504 Gateway Time-out</title></head></html>'),
		).toBe(true);
		expect(isProxyAnswer(503, '')).toBe(true);
	});

	test("not Visionatrix's own JSON error, and never another status", () => {
		expect(isProxyAnswer(503, '{"detail":"Service Unavailable"}')).toBe(false);
		expect(isProxyAnswer(500, 'Internal Server Error')).toBe(false);
		expect(isProxyAnswer(404, 'Not Found')).toBe(false);
	});
});
