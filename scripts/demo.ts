/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error,
	no-console
	-- a developer script, run by Node.js and never shipped */
/**
 * The n8n half of `npm run demo` (scripts/demo.sh builds, installs n8n and starts the emulator, then
 * runs this under Node 24): imports the credential and examples/generate-and-remove-background.json
 * into a fresh n8n, executes it headlessly and reports the files it wrote.
 *
 * Environment:
 *   VISIONATRIX_URL           server to use (demo.sh sets it to the emulator unless you set it)
 *   VISIONATRIX_USER          \ Basic auth; leave empty when the server runs without auth
 *   VISIONATRIX_PASSWORD      /
 *   VISIONATRIX_API_VERSION   current (Visionatrix 1.7+, /vapi) | legacy (/api)
 *   DEMO_OUT_DIR              where the images go (default ./out)
 *   DEMO_TIMEOUT_SECONDS      limit for the whole execution (default 1800)
 *   DEMO_KEEP_N8N=1           keep the temporary n8n user folder
 */
import { mkdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';

import {
	describeRunError,
	loadExample,
	N8nCliError,
	N8nNotInstalledError,
	prepareWorkflow,
	repoRoot,
	runWorkflowOnce,
	visionatrixCredential,
	type N8nRunData,
} from '../test/n8n';

const EXAMPLE = 'generate-and-remove-background.json';

function fmtBytes(n: number): string {
	if (n < 1024) return `${n} B`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
	return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function summarise(run: N8nRunData): string[] {
	const lines: string[] = [];
	for (const [node, runs] of Object.entries(run.data.resultData.runData)) {
		const r = runs[0];
		const items = r?.data?.main?.[0]?.length ?? 0;
		const ms = r?.executionTime ?? 0;
		lines.push(
			`  ${node.padEnd(32)} ${String(items).padStart(2)} item(s)  ${String(ms).padStart(6)} ms`,
		);
	}
	return lines;
}

/** Paths the Read/Write Files from Disk nodes reported (json.fileName on their output items). */
function writtenFiles(run: N8nRunData, nodeTypes: Map<string, string>): string[] {
	const files: string[] = [];
	for (const [node, runs] of Object.entries(run.data.resultData.runData)) {
		if (nodeTypes.get(node) !== 'n8n-nodes-base.readWriteFile') continue;
		for (const item of runs[0]?.data?.main?.[0] ?? []) {
			if (typeof item.json.fileName === 'string') files.push(item.json.fileName);
		}
	}
	return files;
}

async function main(): Promise<number> {
	const started = Date.now();
	const root = repoRoot();
	const baseUrl = process.env.VISIONATRIX_URL;
	if (!baseUrl) {
		console.error('demo: VISIONATRIX_URL is not set (scripts/demo.sh sets it to the emulator).');
		return 2;
	}
	const apiVersion = (process.env.VISIONATRIX_API_VERSION || 'current') as 'current' | 'legacy';
	if (apiVersion !== 'current' && apiVersion !== 'legacy') {
		console.error(
			`demo: VISIONATRIX_API_VERSION must be "current" or "legacy", not "${String(apiVersion)}"`,
		);
		return 2;
	}
	const outDir = resolve(process.env.DEMO_OUT_DIR || resolve(root, 'out'));
	mkdirSync(outDir, { recursive: true });

	const credential = visionatrixCredential({
		baseUrl,
		apiVersion,
		username: process.env.VISIONATRIX_USER ?? '',
		password: process.env.VISIONATRIX_PASSWORD ?? '',
	});
	const example = loadExample(EXAMPLE);
	const workflow = prepareWorkflow(example, { credential, outputDir: outDir });
	const nodeTypes = new Map(workflow.nodes.map((n) => [n.name, n.type]));

	console.log(`demo: running examples/${EXAMPLE} in n8n against ${baseUrl} (API ${apiVersion})`);
	console.log(`demo: files go to ${outDir}`);
	let result;
	try {
		result = await runWorkflowOnce({
			workflow,
			credentials: [credential],
			filesDir: outDir,
			timeoutMs: Number(process.env.DEMO_TIMEOUT_SECONDS || 1800) * 1000,
			keepUserFolder: process.env.DEMO_KEEP_N8N === '1',
		});
	} catch (error) {
		if (error instanceof N8nNotInstalledError) {
			console.error(`demo: ${error.message}`);
			return 1;
		}
		if (error instanceof N8nCliError) {
			console.error(`demo: FAILED: ${error.message}`);
			return 1;
		}
		throw error;
	}
	const { run, timings } = result;
	console.log(`demo: execution ${run.status ?? (run.finished ? 'success' : 'unknown')}; nodes:`);
	for (const line of summarise(run)) console.log(line);

	const files = writtenFiles(run, nodeTypes);
	if (files.length === 0) {
		console.error(`demo: FAILED: the workflow wrote no files (${describeRunError(run)})`);
		return 1;
	}
	console.log('demo: files written:');
	for (const file of files) {
		let size = 'missing!';
		try {
			size = fmtBytes(statSync(file).size);
		} catch {
			console.error(`demo: FAILED: n8n reported ${file} but it is not there`);
			return 1;
		}
		const shown = file.startsWith(process.cwd()) ? `./${relative(process.cwd(), file)}` : file;
		console.log(`  ${shown}  (${size})`);
	}
	console.log(
		`demo: n8n import ${(timings.importMs / 1000).toFixed(1)} s, execution ${(timings.executeMs / 1000).toFixed(1)} s, ` +
			`total ${((Date.now() - started) / 1000).toFixed(1)} s`,
	);
	if (process.env.DEMO_KEEP_N8N === '1')
		console.log(`demo: n8n user folder kept: ${result.instance.userFolder}`);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error('demo: FAILED:', error);
		process.exit(1);
	},
);
