/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error,
	@n8n/community-nodes/no-hardcoded-secrets,
	no-console
	-- a developer script, run by Node.js and never shipped */
/**
 * Hand testing (`npm run n8n:dev`, through scripts/n8n-dev.sh): the Visionatrix emulator plus a real
 * n8n editor on 127.0.0.1 with this package linked in, the credential and both examples imported,
 * and an owner account, so the editor opens at the sign-in page instead of the setup form.
 *
 * Environment:
 *   N8N_DEV_PORT             editor port (default 5678, or a free one if 5678 is taken)
 *   N8N_DEV_FRESH=1          start from an empty n8n user folder (.cache/n8n-dev is kept otherwise)
 *   N8N_DEV_EMAIL / N8N_DEV_PASSWORD   the owner account (default dev@visionatrix.local / VixDev-2026)
 *   VISIONATRIX_URL, VISIONATRIX_USER, VISIONATRIX_PASSWORD, VISIONATRIX_API_VERSION
 *                            use a real server instead of the emulator
 *   N8N_DEV_EMULATOR_ARGS    extra arguments for the emulator CLI
 *   N8N_DEV_EXIT_AFTER_START=1   start, print, stop (a check that it works)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import {
	freePort,
	loadExample,
	locateN8n,
	prepareWorkflow,
	repoRoot,
	startEmulatorProcess,
	startN8nServer,
	type EmulatorProcess,
	type N8nServer,
} from '../test/n8n';
import { prepareN8n } from '../test/n8n/session';

// Fixed ids so that a restart updates the same credential and workflows instead of adding copies.
export const DEV_WORKFLOWS = [
	{ file: 'generate-and-remove-background.json', id: 'vixExampleGenRmb' },
	{ file: 'generate-and-remove-background-step-by-step.json', id: 'vixExampleSteps1' },
	{ file: 'daily-image-pipeline.json', id: 'vixExampleDaily1' },
	{ file: 'chain-flows-by-reference.json', id: 'vixExampleChain1' },
	{ file: 'webhook-wait.json', id: 'vixExampleWebhk1' },
];
const DEV_ENCRYPTION_KEY = 'visionatrix-n8n-dev-not-a-secret';

async function portIsFree(port: number): Promise<boolean> {
	const { createServer } = await import('node:net');
	return await new Promise((done) => {
		const srv = createServer();
		srv.once('error', () => done(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
	});
}

export interface DevSession {
	editorUrl: string;
	email: string;
	password: string;
	workflowIds: string[];
	server: N8nServer;
	emulator?: EmulatorProcess;
	stop(): Promise<void>;
}

/** Starts emulator + n8n; used by this script and by scripts/screenshot.ts. */
export async function startDevSession(
	options: { userFolder?: string; fresh?: boolean; log?: (line: string) => void } = {},
): Promise<DevSession> {
	const log = options.log ?? ((line: string) => console.log(`[n8n:dev] ${line}`));
	const root = repoRoot();
	const installation = locateN8n(root);
	const userFolder = options.userFolder ?? join(root, '.cache', 'n8n-dev');
	if (options.fresh) rmSync(userFolder, { recursive: true, force: true });

	let emulator: EmulatorProcess | undefined;
	let connection;
	if (process.env.VISIONATRIX_URL) {
		connection = {
			baseUrl: process.env.VISIONATRIX_URL,
			apiVersion: (process.env.VISIONATRIX_API_VERSION || 'current') as 'current' | 'legacy',
			username: process.env.VISIONATRIX_USER ?? '',
			password: process.env.VISIONATRIX_PASSWORD ?? '',
		};
		log(`using the Visionatrix server at ${connection.baseUrl}`);
	} else {
		const extra = (process.env.N8N_DEV_EMULATOR_ARGS ?? '').split(/\s+/).filter(Boolean);
		emulator = await startEmulatorProcess(extra);
		connection = {
			baseUrl: emulator.url,
			apiVersion: 'current' as const,
			username: 'admin',
			password: 'admin',
		};
		log(`Visionatrix emulator on ${emulator.url} (users admin/admin, alice/alice)`);
	}

	try {
		const email = process.env.N8N_DEV_EMAIL || 'dev@visionatrix.local';
		const password = process.env.N8N_DEV_PASSWORD || 'VixDev-2026';
		const { instance, credential, workflowIds } = await prepareN8n({
			installation,
			owner: { email, password },
			connection,
			workflows: (credential, filesDir) =>
				DEV_WORKFLOWS.map(({ file, id }) =>
					prepareWorkflow(loadExample(file), { credential, outputDir: filesDir, id }),
				),
			instance: { userFolder, encryptionKey: DEV_ENCRYPTION_KEY },
		});
		log(`n8n ${installation.version}, user folder ${userFolder}; files under ${instance.filesDir}`);
		log(`imported credential "${credential.name}" and ${workflowIds.length} example workflows`);

		const wanted = Number(process.env.N8N_DEV_PORT || 5678);
		const port = (await portIsFree(wanted)) ? wanted : await freePort();
		log(`starting n8n on 127.0.0.1:${port} ...`);
		const server = await startN8nServer(instance, { port });
		return {
			editorUrl: server.url,
			email,
			password,
			workflowIds,
			server,
			emulator,
			stop: async () => {
				await server.stop();
				await emulator?.stop();
			},
		};
	} catch (error) {
		await emulator?.stop();
		throw error;
	}
}

async function main(): Promise<void> {
	const session = await startDevSession({ fresh: process.env.N8N_DEV_FRESH === '1' });
	const line = '-'.repeat(72);
	console.log(line);
	console.log(`n8n editor:  ${session.editorUrl}/`);
	console.log(`sign in:     ${session.email} / ${session.password}`);
	for (const id of session.workflowIds)
		console.log(`workflow:    ${session.editorUrl}/workflow/${id}`);
	if (session.emulator)
		console.log(
			`emulator:    ${session.emulator.url} (credential "Visionatrix account" points here)`,
		);
	console.log('Ctrl+C stops n8n and the emulator.');
	console.log(line);

	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		await session.stop();
		process.exit(code);
	};
	if (process.env.N8N_DEV_EXIT_AFTER_START === '1') return await stop(0);
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	session.server.process.on('exit', (code) => {
		if (!stopping) {
			console.error(
				`[n8n:dev] n8n exited (${code}); last log lines:\n${session.server.log().split('\n').slice(-30).join('\n')}`,
			);
			void stop(1);
		}
	});
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(`[n8n:dev] FAILED: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	});
}
