// n8n's verification scan (@n8n/scan-community-package), run on this checkout instead of on the
// registry: its own `analyzePackage` with its own ESLint config, on the source as it lints the commit
// a provenance statement names, and on the packed tarball as it lints what users download.
// The provenance and download steps need the public registry and are left to the real scan.
//
//   node scripts/node24.js scripts/scan-package.mjs                  source + a fresh `npm pack`
//   node scripts/node24.js scripts/scan-package.mjs --source <dir>   only that source folder
//   node scripts/node24.js scripts/scan-package.mjs --tarball <tgz>  only that tarball
//
// Exits 1 when either leg finds a violation, printing the scanner's report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-plugin-n8n-nodes-base reads file names differently under NODE_ENV=test (jest sets it): scan
// as n8n's scanner runs, without it.
delete process.env.NODE_ENV;
const { analyzePackage, SOURCE_FILE_PATTERNS } =
	await import('@n8n/scan-community-package/scanner/scanner.mjs');

// The patterns the scanner gives each leg (scanner.mjs, analyzePackageByName).
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

function unpack(tarball, into) {
	mkdirSync(into, { recursive: true });
	run('tar', ['-xzf', resolve(tarball), '-C', into, '--strip-components=1'], into);
	return into;
}

async function scan(label, folder, patterns) {
	const result = await analyzePackage(folder, patterns);
	if (result.passed) {
		console.log(`scanner: ${label} passed (${folder})`);
		return true;
	}
	console.log(`scanner: ${label} FAILED: ${result.message}\n${result.details ?? ''}`);
	return false;
}

const args = process.argv.slice(2);
const option = (name) => {
	const index = args.indexOf(name);
	return index === -1 ? undefined : args[index + 1];
};
const source = option('--source');
let tarball = option('--tarball');
const both = !source && !tarball;
const work = mkdtempSync(join(tmpdir(), 'visionatrix-scan-'));

try {
	let passed = true;
	if (source || both)
		passed = (await scan('source', resolve(source ?? repoRoot), SOURCE_FILE_PATTERNS)) && passed;
	if (both) {
		if (!existsSync(join(repoRoot, 'dist', 'nodes')))
			throw new Error('dist/ is missing: run "npm run build" first.');
		run('npm', ['pack', '--pack-destination', work, '--silent'], repoRoot);
		tarball = join(
			work,
			readdirSync(work).find((name) => name.endsWith('.tgz')),
		);
	}
	if (tarball)
		passed =
			(await scan('tarball', unpack(tarball, join(work, 'package')), TARBALL_FILE_PATTERNS)) &&
			passed;
	process.exitCode = passed ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
