/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Where the recorded exchanges of a real Visionatrix 2.7 server are: the folder
 * `VISIONATRIX_RECORDINGS` names (relative to the repository), by default
 * `../shared/visionatrix/recorded` beside the repository. They hold third-party flow data and are
 * never copied into the repository: what reads them works without them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_RECORDINGS = '../shared/visionatrix/recorded';

/** The repository's folder: the nearest one above with a package.json (from test/ or .cache/tools/test/). */
function repositoryRoot(): string {
	for (let dir = __dirname; ; dir = dirname(dir)) {
		if (existsSync(join(dir, 'package.json'))) return dir;
		if (dirname(dir) === dir) return resolve(__dirname, '../..');
	}
}

export function recordingsDir(env: NodeJS.ProcessEnv = process.env): string {
	return resolve(repositoryRoot(), env.VISIONATRIX_RECORDINGS || DEFAULT_RECORDINGS);
}
