/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Timestamps as the server writes them: naive ISO 8601 in UTC with microseconds,
 * e.g. `2026-11-27T05:30:29.494087`.
 */
import { performance } from 'node:perf_hooks';

export function isoTimestamp(date: Date = new Date()): string {
	const micros = Math.floor((performance.now() * 1000) % 1000)
		.toString()
		.padStart(3, '0');
	return `${date.toISOString().slice(0, 23)}${micros}`;
}

export function httpDate(date: Date): string {
	return date.toUTCString();
}
