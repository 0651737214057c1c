/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- test code, run by Node.js and never shipped */
/**
 * The package as users get it: `npm pack` of this checkout, and that tarball installed into an n8n
 * user folder the way n8n's Community Nodes panel installs a package from the registry
 * (CommunityPackagesService.downloadPackage in n8n 2.41).
 */
import { execFileSync } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

export interface PackageJson {
	name: string;
	version: string;
	main?: string;
	n8n: { n8nNodesApiVersion?: number; strict?: boolean; nodes: string[]; credentials: string[] };
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	[field: string]: unknown;
}

export interface PackedTarball {
	/** The .tgz, in a temp folder of its own */
	tgz: string;
	/** Its entries, without tar's `package/` prefix, sorted */
	files: string[];
	/** The tarball unpacked (what users' n8n holds) */
	dir: string;
	packageJson: PackageJson;
	cleanup(): void;
}

/** `npm pack` into a temp folder, listed and unpacked. Needs `npm run build` first. */
export function packTarball(): PackedTarball {
	if (!existsSync(join(REPO_ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run "npm run build" first (scripts/test.sh does).');
	}
	const work = mkdtempSync(join(tmpdir(), 'vix-pack-'));
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
		}),
	) as Array<{ filename: string }>;
	const tgz = join(work, basename(packed.filename));
	const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
		.split('\n')
		.filter((entry) => entry && !entry.endsWith('/'))
		.map((entry) => entry.replace(/^package\//, ''))
		.sort();
	const dir = join(work, 'package');
	mkdirSync(dir);
	execFileSync('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1']);
	const packageJson = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
	return {
		tgz,
		files,
		dir,
		packageJson,
		cleanup: () => rmSync(work, { recursive: true, force: true }),
	};
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` with n8n's own steps: the tarball beside
 * the nodes folder's package.json, unpacked into node_modules/<name>, its dev, peer and optional
 * dependencies dropped from its package.json, `npm install` with n8n's flags inside it, and the
 * version recorded in the nodes folder's package.json. Returns the installed package folder.
 */
export function installAsCommunityPackage(tgz: string, userFolder: string): string {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const manifest = JSON.parse(
		execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }),
	) as PackageJson;
	const packageDir = join(nodesDir, 'node_modules', manifest.name);
	mkdirSync(packageDir, { recursive: true });
	const tarball = join(nodesDir, basename(tgz));
	copyFileSync(tgz, tarball);
	try {
		execFileSync('tar', ['-xzf', basename(tgz), '-C', packageDir, '--strip-components=1'], {
			cwd: nodesDir,
		});
		const installed = JSON.parse(
			readFileSync(join(packageDir, 'package.json'), 'utf8'),
		) as PackageJson;
		for (const field of ['devDependencies', 'peerDependencies', 'optionalDependencies'])
			delete installed[field];
		writeFileSync(join(packageDir, 'package.json'), JSON.stringify(installed, null, 2), 'utf8');
		execFileSync(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
			{ cwd: packageDir, encoding: 'utf8', stdio: 'pipe' },
		);
		const ledger = join(nodesDir, 'package.json');
		const nodesPackage = existsSync(ledger)
			? (JSON.parse(readFileSync(ledger, 'utf8')) as { dependencies: Record<string, string> })
			: { name: 'installed-nodes', private: true, dependencies: {} as Record<string, string> };
		nodesPackage.dependencies[installed.name] = installed.version;
		writeFileSync(ledger, JSON.stringify(nodesPackage, null, 2), 'utf8');
	} finally {
		rmSync(tarball, { force: true });
	}
	return packageDir;
}
