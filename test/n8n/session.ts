/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * What every test of real n8n sets up, written once:
 *
 * - `prepareN8n`: a fresh instance with an owner to sign in as, the Visionatrix credential and the
 *   workflows imported (also what the browser suite and `npm run n8n:dev` start from).
 * - `startN8nSession`: for the tests of a running n8n (`n8n start`, or queue mode's main and
 *   workers): the emulator in this process (tests read its request log), a fresh instance with the
 *   package linked in and an owner to sign in as, the credential, the suite's workflows imported
 *   and published; `start()` starts n8n and signs in, `stop()` ends it all.
 * - `runOnEmulator`: for the one-shot tests (`n8n execute`): the emulator, the credential, one
 *   workflow run in a fresh instance.
 *
 * Both fail (not skip) with the command that fixes what is missing: the build or the n8n install.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startEmulator } from '../emulator';
import type { EmulatorOptions, VisionatrixEmulator } from '../emulator/types';
import { tail } from './cli';
import { runWorkflowOnce, type RunWorkflowOptions, type RunWorkflowResult } from './execute';
import {
	importCredentials,
	importWorkflow,
	visionatrixCredential,
	type CredentialExport,
	type VisionatrixConnection,
	type WorkflowExport,
} from './import';
import { locateN8n, type N8nInstallation } from './install';
import { createN8nInstance, type N8nInstance, type N8nInstanceOptions } from './instance';
import { repoRoot } from './repo';
import { N8nRestClient, publishWorkflow } from './rest';
import type { N8nRunData } from './run-data';
import { ownerEnv, startN8nServer, type N8nServer, type OwnerAccount } from './server';

/** The emulator's built-in admin, as the credential uses it unless told otherwise. */
const ADMIN: VisionatrixConnection = {
	baseUrl: '',
	apiVersion: 'current',
	username: 'admin',
	password: 'admin',
};

/** Throws unless `npm run build` has built every node and credential package.json lists. */
export function checkBuilt(): void {
	const root = repoRoot();
	const { n8n } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	for (const file of [...n8n.nodes, ...n8n.credentials]) {
		if (!existsSync(join(root, file)))
			throw new Error(`dist/ has no ${file}: run "npm run build" first (scripts/test.sh does).`);
	}
}

// ---------------------------------------------------------------------------------------------
// An instance ready to start

export interface PrepareN8nOptions {
	installation: N8nInstallation;
	/** The account `n8n start` makes the owner (the editor then opens at the sign-in page). */
	owner: OwnerAccount;
	/** The Visionatrix server the credential points at. */
	connection: VisionatrixConnection;
	/** More credentials to import, after the first one. */
	credentials?: CredentialExport[];
	/** The workflows to import, made with the credential, writing under `filesDir`. */
	workflows(credential: CredentialExport, filesDir: string): WorkflowExport[];
	/** The rest of the instance's settings (user folder, log level, encryption key, environment). */
	instance?: Omit<N8nInstanceOptions, 'installation'>;
}

export interface PreparedN8n {
	instance: N8nInstance;
	credential: CredentialExport;
	/** The imported workflows' ids, in the order `workflows` gave them. */
	workflowIds: string[];
}

/** Creates the instance and imports the credentials and workflows; a failure names the user folder it keeps. */
export async function prepareN8n(options: PrepareN8nOptions): Promise<PreparedN8n> {
	const { installation, owner, instance: settings = {} } = options;
	const instance = await createN8nInstance({
		...settings,
		installation,
		extraEnv: { ...settings.extraEnv, ...ownerEnv(installation, owner) },
	});
	try {
		const credential = visionatrixCredential(options.connection);
		await importCredentials(instance, [credential, ...(options.credentials ?? [])]);
		const workflowIds: string[] = [];
		for (const workflow of options.workflows(credential, instance.filesDir))
			workflowIds.push(await importWorkflow(instance, workflow));
		return { instance, credential, workflowIds };
	} catch (error) {
		if (error instanceof Error)
			error.message += `\n(n8n user folder kept for inspection: ${instance.userFolder})`;
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// A running n8n

/** A started n8n: `n8n start` (N8nServer) or queue mode (QueueModeCluster). */
export interface ServedN8n {
	url: string;
	log(): string;
	stop(): Promise<void>;
}

export interface N8nSessionOptions<S extends ServedN8n = N8nServer> {
	emulator: EmulatorOptions;
	owner: OwnerAccount;
	/** More environment for every n8n process of the instance (queue mode's). */
	extraEnv?: Record<string, string>;
	/** The suite's workflows, made with the credential, writing to `outDir`; imported and published. */
	workflows(credential: CredentialExport, outDir: string): WorkflowExport[];
	/** How n8n starts; default `n8n start` (then S is N8nServer). */
	serve?: (instance: N8nInstance) => Promise<S>;
}

export interface N8nSession<S extends ServedN8n = N8nServer> {
	emulator: VisionatrixEmulator;
	installation: N8nInstallation;
	instance: N8nInstance;
	credential: CredentialExport;
	/** The folder the workflows write files to (inside the one n8n may write to). */
	outDir: string;
	/** The imported workflows' ids, in the order `workflows` gave them. */
	workflowIds: string[];
	/** Starts n8n (again, after `server.stop()`, with `env` added this time) and signs in as the owner. */
	start(env?: Record<string, string>): Promise<{ server: S; n8n: N8nRestClient }>;
	/**
	 * Stops n8n and the emulator. `failed` (or E2E_SHOW_N8N_LOG=1) prints the end of n8n's log;
	 * `failed` keeps the user folder for a post-mortem, else it is deleted.
	 */
	stop(options?: { failed?: boolean }): Promise<void>;
}

/** The emulator, an n8n instance with the owner, the credential and the workflows; n8n not started yet. */
export async function startN8nSession<S extends ServedN8n = N8nServer>(
	options: N8nSessionOptions<S>,
): Promise<N8nSession<S>> {
	checkBuilt();
	const installation = locateN8n();
	// Without `serve`, S is N8nServer.
	const serve =
		options.serve ??
		(async (instance: N8nInstance) => (await startN8nServer(instance)) as unknown as S);
	const emulator = await startEmulator(options.emulator);
	try {
		const out = (filesDir: string) => join(filesDir, 'out');
		const { instance, credential, workflowIds } = await prepareN8n({
			installation,
			owner: options.owner,
			connection: { ...ADMIN, baseUrl: emulator.url },
			workflows: (credential, filesDir) => {
				mkdirSync(out(filesDir), { recursive: true });
				return options.workflows(credential, out(filesDir));
			},
			instance: { extraEnv: options.extraEnv },
		});
		for (const id of workflowIds) await publishWorkflow(instance, id);
		let server: S | undefined;
		return {
			emulator,
			installation,
			instance,
			credential,
			outDir: out(instance.filesDir),
			workflowIds,
			start: async (env = {}) => {
				server = await serve({ ...instance, env: { ...instance.env, ...env } });
				const n8n = new N8nRestClient(server.url, installation);
				await n8n.login(options.owner);
				return { server, n8n };
			},
			stop: async ({ failed = false } = {}) => {
				await server?.stop();
				await emulator.stop();
				if ((failed || process.env.E2E_SHOW_N8N_LOG === '1') && server)
					process.stdout.write(`n8n log (last 200 lines):\n${tail(server.log(), 200)}\n`);
				if (!failed) instance.cleanup();
			},
		};
	} catch (error) {
		await emulator.stop();
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// One run of one workflow

export interface EmulatorRunOptions extends Omit<
	RunWorkflowOptions,
	'workflow' | 'credentials' | 'filesDir'
> {
	emulator: EmulatorOptions;
	/** The credential's API version and user; default `current`, admin. */
	connection?: Omit<VisionatrixConnection, 'baseUrl'>;
	/** More credentials to import (of other services). */
	credentials?: CredentialExport[];
	/** The workflow to run, made with the credential, writing to `outDir`; the emulator is there to be set up first. */
	workflow(
		credential: CredentialExport,
		emulator: VisionatrixEmulator,
		outDir: string,
	): WorkflowExport;
}

export interface EmulatorRun {
	emulator: VisionatrixEmulator;
	workflow: WorkflowExport;
	/** A fresh folder, the only one the workflow may write files to. */
	outDir: string;
	result: RunWorkflowResult;
	run: N8nRunData;
	/** Stops the emulator and deletes `outDir`. */
	stop(): Promise<void>;
}

/** The emulator, then `runWorkflowOnce` of the workflow against it. A failed run keeps `outDir` for a post-mortem. */
export async function runOnEmulator(options: EmulatorRunOptions): Promise<EmulatorRun> {
	const {
		emulator: emulatorOptions,
		connection,
		credentials = [],
		workflow: makeWorkflow,
		...runOptions
	} = options;
	checkBuilt();
	locateN8n();
	const emulator = await startEmulator(emulatorOptions);
	try {
		const credential = visionatrixCredential({ ...ADMIN, ...connection, baseUrl: emulator.url });
		const outDir = mkdtempSync(join(tmpdir(), 'vix-e2e-out-'));
		const workflow = makeWorkflow(credential, emulator, outDir);
		const result = await runWorkflowOnce({
			...runOptions,
			filesDir: outDir,
			workflow,
			credentials: [credential, ...credentials],
		});
		const stop = async () => {
			await emulator.stop();
			rmSync(outDir, { recursive: true, force: true });
		};
		return { emulator, workflow, outDir, result, run: result.run, stop };
	} catch (error) {
		await emulator.stop();
		throw error;
	}
}
