/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** This repository as real n8n sees it: the package name, its node and credential types, its root folder. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-visionatrix';
export const NODE_TYPE = `${PACKAGE_NAME}.visionatrix`;
export const CREDENTIAL_TYPE = 'visionatrixApi';

/** The repository root, found from this file whether it runs from test/n8n or .cache/tools/test/n8n. */
export function repoRoot(): string {
	let dir = __dirname;
	for (let i = 0; i < 6; i++) {
		const pkg = join(dir, 'package.json');
		if (existsSync(pkg)) {
			try {
				if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
					return dir;
			} catch {
				// not ours, keep walking up
			}
		}
		dir = resolve(dir, '..');
	}
	throw new Error(`Cannot find the ${PACKAGE_NAME} repository root above ${__dirname}`);
}
