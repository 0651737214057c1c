/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * End to end from the tarball users get: `npm pack` of this checkout, installed into a fresh n8n
 * user folder's nodes folder with npm as n8n's Community Nodes panel installs it (test/release/
 * tarball.ts), then the flagship example, examples/generate-and-remove-background.json, run from it
 * in real n8n against the Visionatrix emulator.
 *
 * The example is loaded as it is on disk and run unchanged: whatever its steps, every node must
 * succeed, and the files it writes must be the servers' results, the cut-out one with an alpha channel.
 *
 * Needs `npm run build` and the n8n install (scripts/test.sh does both); fails with the command to run.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import type { VisionatrixEmulator } from '../emulator/types';
import { pngInfo, sha256 } from '../fixtures/media';
import {
	installAsCommunityPackage,
	packTarball,
	REPO_ROOT,
	type PackageJson,
	type PackedTarball,
} from '../release/tarball';
import {
	loadExample,
	locateN8n,
	NODE_TYPE,
	nodeOutput,
	PACKAGE_NAME,
	prepareWorkflow,
	type N8nRunData,
	type WorkflowExport,
} from '../n8n';
import { runOnEmulator, type EmulatorRun } from '../n8n/session';

const EXAMPLE = 'generate-and-remove-background.json';
const N8N_TIMEOUT_MS = 180_000;
const WRITE_FILE_NODE = 'n8n-nodes-base.readWriteFile';
const STICKY_NOTE = 'n8n-nodes-base.stickyNote';
const STOP_AND_ERROR = 'n8n-nodes-base.stopAndError';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;

describe(`examples/${EXAMPLE} in real n8n, from the packed tarball installed as the Community Nodes panel does`, () => {
	let packed: PackedTarball;
	let session: EmulatorRun | undefined;
	let emulator: VisionatrixEmulator;
	let userFolder: string;
	let installedDir: string;
	let outDir: string;
	let workflow: WorkflowExport;
	let run: N8nRunData;

	beforeAll(async () => {
		locateN8n(); // throws: n8n <version> is not installed ... Run "bash scripts/install-n8n.sh"
		packed = packTarball(); // throws: dist/ is missing: run "npm run build" first
		userFolder = mkdtempSync(join(tmpdir(), 'vix-n8n-tarball-'));
		installedDir = installAsCommunityPackage(packed.tgz, userFolder);

		session = await runOnEmulator({
			emulator: { taskDurationMs: 300, workers: 1 },
			workflow: (credential, _emulator, out) =>
				prepareWorkflow(loadExample(EXAMPLE), { credential, outputDir: out }),
			userFolder,
			linkPackage: false, // the tarball install above is the only copy of the package n8n sees
			timeoutMs: N8N_TIMEOUT_MS,
			keepUserFolder: true,
		});
		({ emulator, workflow, outDir, run } = session);
	}, N8N_TIMEOUT_MS + 120_000);

	afterAll(async () => {
		await session?.stop();
		packed?.cleanup();
		if (run?.status === 'success') rmSync(userFolder, { recursive: true, force: true });
	});

	it("installed the tarball's files as a real folder in the nodes folder, recorded in its package.json", () => {
		expect(lstatSync(installedDir).isSymbolicLink()).toBe(false);
		expect(installedDir).toBe(join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME));
		const ours = readJson(join(REPO_ROOT, 'package.json'));
		const installed = readJson(join(installedDir, 'package.json'));
		expect(installed.version).toBe(ours.version);
		// n8n drops these before its npm install
		expect([installed.devDependencies, installed.peerDependencies]).toEqual([undefined, undefined]);
		for (const path of [...installed.n8n.nodes, ...installed.n8n.credentials]) {
			expect(sha256(readFileSync(join(installedDir, path)))).toBe(
				sha256(readFileSync(join(packed.dir, path))),
			);
		}
		const ledger = JSON.parse(
			readFileSync(join(userFolder, '.n8n', 'nodes', 'package.json'), 'utf8'),
		);
		expect(ledger.dependencies).toEqual({ [PACKAGE_NAME]: ours.version });
	});

	it('runs the example to success, every node once', () => {
		expect(run.status).toBe('success');
		expect(run.data.resultData.error).toBeUndefined();
		// Every node but the note, and the stop a failed save would go to (the flagship's Cannot Save).
		const steps = workflow.nodes
			.filter((node) => node.type !== STICKY_NOTE && node.type !== STOP_AND_ERROR)
			.map((node) => node.name);
		expect(workflow.nodes.filter((node) => node.type === NODE_TYPE).length).toBeGreaterThan(0);
		expect(Object.keys(run.data.resultData.runData).sort()).toEqual([...steps].sort());
		for (const name of steps) {
			const runs = run.data.resultData.runData[name];
			expect({ name, runs: runs.length, status: runs[0].executionStatus ?? 'success' }).toEqual({
				name,
				runs: 1,
				status: 'success',
			});
		}
	});

	it("writes the servers' result files unchanged: the generated image and its cut-out with an alpha channel", () => {
		const written = workflow.nodes
			.filter((node) => node.type === WRITE_FILE_NODE)
			.flatMap((node) => nodeOutput(run, node.name).map((item) => item.json.fileName as string));
		expect(written.length).toBeGreaterThan(0);
		expect(readdirSync(outDir).sort()).toEqual(written.map((file) => basename(file)).sort());

		const results = (flow: string) =>
			emulator.tasks
				.filter((task) => task.flow === flow)
				.flatMap((task) => {
					expect({ flow, state: task.state }).toEqual({ flow, state: 'completed' });
					return task.results.map((file) => sha256(file.data));
				});
		const generated = results('sdxl_lighting');
		const cutOut = results('remove_background_birefnet');
		expect([generated.length, cutOut.length]).toEqual([1, 1]);

		const files = written.map((file) => readFileSync(file));
		expect(
			files.map((data) => [generated, cutOut].some((hashes) => hashes.includes(sha256(data)))),
		).toEqual(written.map(() => true));
		const cutOutFile = files.find((data) => sha256(data) === cutOut[0]);
		expect(cutOutFile).toBeDefined();
		expect(pngInfo(cutOutFile!)).toMatchObject({ colorType: 6, bitDepth: 8 }); // RGBA
	});
});
