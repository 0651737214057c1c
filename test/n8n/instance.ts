/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** A fresh n8n user folder with this package linked in, and the environment every n8n command for it uses. */
import { randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	realpathSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort } from './free-port';
import { locateN8n, type N8nInstallation } from './install';
import { PACKAGE_NAME, repoRoot } from './repo';

export interface N8nInstanceOptions {
	/** Package folder (with package.json and dist/) to link in; default: this repository. */
	packageRoot?: string;
	/** false: start n8n without this package (to check the n8n install alone). */
	linkPackage?: boolean;
	/** Base for the fresh user folder; default: a new folder under the OS temp dir. */
	userFolder?: string;
	/**
	 * Folder the workflows may read and write files in (N8N_RESTRICT_FILE_ACCESS_TO); `home`: n8n's
	 * own default, `~/.n8n-files` (not created: as on a fresh install).
	 */
	filesDir?: string | 'home';
	/** n8n's working directory (where relative file paths resolve); default n8n's install folder. */
	cwd?: string;
	brokerPort?: number;
	encryptionKey?: string;
	/** n8n log level; default 'info': `execute --rawOutput` prints its JSON at info level, so 'warn' and 'error' hide it. */
	logLevel?: 'debug' | 'info' | 'warn' | 'error';
	/** 'filesystem' (n8n 2.x default, binary bytes under the user folder) or 'default' (base64 in the JSON). */
	binaryDataMode?: 'filesystem' | 'default';
	extraEnv?: Record<string, string>;
	installation?: N8nInstallation;
}

export interface N8nInstance {
	installation: N8nInstallation;
	userFolder: string;
	filesDir: string;
	/** n8n's working directory. */
	cwd: string;
	packageRoot: string;
	env: NodeJS.ProcessEnv;
	/** Deletes the user folder (leave it for post-mortems when a run failed). */
	cleanup(): void;
}

/**
 * Creates a fresh n8n user folder with the package linked in and returns the environment that
 * every n8n command for this instance must use.
 */
export async function createN8nInstance(options: N8nInstanceOptions = {}): Promise<N8nInstance> {
	const installation = options.installation ?? locateN8n();
	const packageRoot = resolve(options.packageRoot ?? repoRoot());
	const linkPackage = options.linkPackage ?? true;
	for (const needed of linkPackage ? ['package.json', 'dist'] : []) {
		if (!existsSync(join(packageRoot, needed))) {
			throw new Error(
				`${join(packageRoot, needed)} is missing: build the package first ("npm run build").`,
			);
		}
	}
	const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'vix-n8n-'));
	mkdirSync(userFolder, { recursive: true });
	const filesDir =
		options.filesDir === 'home'
			? join(realpathSync(userFolder), '.n8n-files')
			: filesFolder(options.filesDir ?? join(userFolder, 'files'));

	// As if the package had been installed from the community-nodes panel.
	if (linkPackage) linkAsCommunityPackage(userFolder, packageRoot);

	const brokerPort = options.brokerPort ?? (await freePort());
	const env = instanceEnv(installation, userFolder, filesDir, brokerPort, options);

	return {
		installation,
		userFolder,
		filesDir,
		cwd: options.cwd ?? installation.dir,
		packageRoot,
		env,
		cleanup: () => rmSync(userFolder, { recursive: true, force: true }),
	};
}

/** The folder, created; n8n compares resolved paths against N8N_RESTRICT_FILE_ACCESS_TO: its real path. */
function filesFolder(folder: string): string {
	mkdirSync(resolve(folder), { recursive: true });
	return realpathSync(resolve(folder));
}

/** The package in `<userFolder>/.n8n/nodes`, where n8n's community-nodes panel installs packages. */
function linkAsCommunityPackage(userFolder: string, packageRoot: string): void {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
	writeFileSync(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [PACKAGE_NAME]: `file:${packageRoot}` },
			},
			null,
			2,
		),
	);
	const link = join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (!existsSync(link)) symlinkSync(packageRoot, link, 'dir');
}

function instanceEnv(
	installation: N8nInstallation,
	userFolder: string,
	filesDir: string,
	brokerPort: number,
	options: N8nInstanceOptions,
): NodeJS.ProcessEnv {
	return {
		// A clean environment: inherit only what a process needs, not the caller's N8N_* settings.
		PATH: `${resolve(installation.node, '..')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: userFolder,
		TMPDIR: process.env.TMPDIR ?? tmpdir(),
		LANG: process.env.LANG ?? 'C.UTF-8',
		TZ: process.env.TZ ?? 'UTC',
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: options.encryptionKey ?? randomBytes(24).toString('hex'),
		N8N_LOG_LEVEL: options.logLevel ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		// Offline and quiet
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_SQLITE_POOL_SIZE: '2',
		// Files (`home`: n8n's default, ~/.n8n-files)
		...(options.filesDir !== 'home' && { N8N_RESTRICT_FILE_ACCESS_TO: filesDir }),
		N8N_DEFAULT_BINARY_DATA_MODE: options.binaryDataMode ?? 'filesystem',
		...options.extraEnv,
	};
}
