/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * jest's globalSetup: without the recorded exchanges, says once, before the tests run, which suites
 * skip their replays and how to get the recordings (test/fixtures/recorded.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { missingRecordingsNotice, recordingsAvailable } from './fixtures/recorded';

/** The test files that replay recordings: those that load them through test/fixtures/recorded. */
function suitesUsingRecordings(dir = __dirname): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return suitesUsingRecordings(path);
		if (!entry.name.endsWith('.test.ts') || !/fixtures\/recorded'/.test(readFileSync(path, 'utf8')))
			return [];
		return [relative(join(__dirname, '..'), path)];
	});
}

export default function recordingsNotice(): void {
	if (recordingsAvailable) return;
	const line = missingRecordingsNotice(suitesUsingRecordings().sort());
	process.stdout.write(process.stdout.isTTY ? `\n\x1b[1;33m${line}\x1b[0m\n` : `\n${line}\n`);
}
