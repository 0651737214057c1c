/* eslint-disable
	@typescript-eslint/no-explicit-any
	-- test code, run by Node.js and never shipped */
/** Assertions that compare a live response with a recorded one. */
import type { RecordedExchange } from '../fixtures/recorded';
import type { RawResponse } from './client';

const TIMESTAMP_KEYS = new Set(['created_at', 'updated_at', 'finished_at', 'locked_at']);
const NAIVE_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

/** Replaces timestamps (naive ISO with microseconds, as the server writes them) by a marker. */
export function withoutTimestamps<T>(value: T): T {
	if (Array.isArray(value)) return value.map((item) => withoutTimestamps(item)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => {
				if (TIMESTAMP_KEYS.has(key) && typeof item === 'string') {
					expect(item).toMatch(NAIVE_ISO);
					return [key, '<timestamp>'];
				}
				return [key, withoutTimestamps(item)];
			}),
		) as T;
	}
	return value;
}

/** The headers a client reads: content-type (also its absence), challenge and download name. */
export function expectRecordedHeaders(response: RawResponse, exchange: RecordedExchange): void {
	const recorded = exchange.response.headers;
	expect(response.headers['content-type']).toBe(recorded['content-type']);
	expect(response.headers['www-authenticate']).toBe(recorded['www-authenticate']);
	expect(response.headers['content-disposition']).toBe(recorded['content-disposition']);
}

/** Same status, headers, body and byte length as recorded. */
export function expectRecordedExactly(response: RawResponse, exchange: RecordedExchange): void {
	expect({ file: exchange.file, status: response.status }).toEqual({
		file: exchange.file,
		status: exchange.response.status,
	});
	expectRecordedHeaders(response, exchange);
	const recordedBody = exchange.response.body;
	if (recordedBody === null) expect(response.body.length).toBe(0);
	else if (typeof recordedBody === 'string') expect(response.text()).toBe(recordedBody);
	else expect(response.json()).toEqual(recordedBody);
	if (exchange.response.headers['content-length'] !== undefined) {
		expect(response.headers['content-length']).toBe(exchange.response.headers['content-length']);
	}
}

/**
 * Same status and headers, and the same JSON once timestamps are masked; `adjust` edits the
 * recorded body for values that legitimately differ (e.g. a receiver URL).
 */
export function expectRecordedJson(
	response: RawResponse,
	exchange: RecordedExchange,
	adjust: (expected: any) => void = () => undefined,
): void {
	expect({ file: exchange.file, status: response.status }).toEqual({
		file: exchange.file,
		status: exchange.response.status,
	});
	expectRecordedHeaders(response, exchange);
	const expected = structuredClone(exchange.response.body);
	adjust(expected);
	expect(withoutTimestamps(cutAsRecorded(response.json(), exchange))).toEqual(
		withoutTimestamps(expected),
	);
	// A graph the recording cut down is compared by its kept nodes; the answer keeps the real size.
	// (`adjust`'s changes count: a longer receiver URL is a longer answer.)
	if (exchange.truncated?.length && exchange.response.headers['content-length'] !== undefined) {
		const adjusted =
			Buffer.byteLength(JSON.stringify(expected)) -
			Buffer.byteLength(JSON.stringify(exchange.response.body));
		const size = Number(exchange.response.headers['content-length']) + adjusted;
		expect({ file: exchange.file, size: Number(response.headers['content-length']) }).toEqual({
			file: exchange.file,
			size,
		});
	}
}

/** The answer with each `flow_comfy` the recording cut down cut to the same nodes. */
function cutAsRecorded(body: any, exchange: RecordedExchange): any {
	for (const cut of exchange.truncated ?? []) {
		const path = cut.path
			.replace(/^response\.body\.?/, '')
			.split('.')
			.filter(Boolean);
		const parent = path.slice(0, -1).reduce((node, key) => node?.[key], body);
		const graph = parent?.[path[path.length - 1]];
		if (graph && typeof graph === 'object') {
			parent[path[path.length - 1]] = Object.fromEntries(
				cut.kept_nodes.map((key) => [key, graph[key]]),
			);
		}
	}
	return body;
}

/** Key-by-key shape (types only), for bodies whose values differ from run to run. */
export function shapeOf(value: unknown): unknown {
	if (value === null) return 'null';
	if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
	if (typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value as object).map(([key, item]) => [key, shapeOf(item)]),
		);
	}
	return typeof value;
}
