/* eslint-disable
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error,
	@n8n/community-nodes/no-hardcoded-secrets
	-- test code, run by Node.js and never shipped */
/**
 * A real n8n editor for the browser suite: the emulator in this process (so tests read its request
 * log), one `n8n start` with the built package linked in (started from its home folder, with n8n's
 * default file folder), an owner signed in, the credential and the examples imported as a user
 * imports them, and Debian's Chromium driven by playwright-core. Loopback only: the
 * browser aborts every request for another host.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	chromium,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page,
} from 'playwright-core';

import {
	loadExample,
	locateN8n,
	prepareWorkflow,
	startN8nServer,
	visionatrixCredential,
	type CredentialExport,
	type N8nInstance,
	type N8nServer,
	type WorkflowExport,
} from '../n8n';
import { checkBuilt, prepareN8n } from '../n8n/session';
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { checkChromium, CHROMIUM, CHROMIUM_ARGS, keepOnLoopback, signIn } from './chromium';

const OWNER = { email: 'browser@visionatrix.local', password: 'Vix-Browser-2026' };

export interface EditorSession {
	emulator: VisionatrixEmulator;
	instance: N8nInstance;
	server: N8nServer;
	credential: CredentialExport;
	/** Example file → imported workflow id. */
	workflows: Map<string, string>;
	browser: Browser;
	context: BrowserContext;
	/** Hosts other than loopback the editor tried to reach (all aborted). */
	blocked: Set<string>;
	stop(): Promise<void>;
}

/** Fails (not skips) with the command that fixes what is missing. */
export function checkPrerequisites(): void {
	checkBuilt();
	locateN8n();
	checkChromium();
}

/**
 * Starts it all. `examples` are imported with the credential; `credentials` are more credentials of
 * the same server (for tests that change one), by id and name.
 */
export async function startEditor(
	examples: string[],
	extra: WorkflowExport[] = [],
	credentials: Array<{ id: string; name: string }> = [],
): Promise<EditorSession> {
	checkPrerequisites();
	const installation = locateN8n();
	const emulator = await startEmulator({ auth: true, taskDurationMs: 200, workers: 2 });
	// n8n as on a fresh npm install started from the home folder: its working directory is HOME, its
	// file folder its default ~/.n8n-files (not there yet). n8n compares real paths: HOME is one.
	const userFolder = realpathSync(mkdtempSync(join(tmpdir(), 'vix-browser-')));
	let server: N8nServer | undefined;
	try {
		const connection = {
			baseUrl: emulator.url,
			apiVersion: 'current' as const,
			username: 'admin',
			password: 'admin',
		};
		const { instance, credential, workflowIds } = await prepareN8n({
			installation,
			owner: OWNER,
			connection,
			credentials: credentials.map(({ id, name }) => visionatrixCredential(connection, id, name)),
			// The examples as a user imports them: only the credential picked.
			workflows: (credential) => [
				...examples.map((file) => prepareWorkflow(loadExample(file), { credential })),
				...extra.map((workflow) => prepareWorkflow(workflow, { credential })),
			],
			instance: { userFolder, cwd: userFolder, filesDir: 'home', logLevel: 'warn' },
		});
		const workflows = new Map(
			[...examples, ...extra.map((workflow) => workflow.name)].map((name, i) => [
				name,
				workflowIds[i],
			]),
		);
		server = await startN8nServer(instance, { timeoutMs: 180_000 });

		const browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
		});
		const context = await browser.newContext({
			viewport: { width: 1600, height: 900 },
			colorScheme: 'light',
		});
		const blocked = await keepOnLoopback(context);
		await signIn(context, server.url, OWNER);
		const started = server;
		return {
			emulator,
			instance,
			server: started,
			credential,
			workflows,
			browser,
			context,
			blocked,
			stop: async () => {
				await browser.close();
				await started.stop();
				await emulator.stop();
				rmSync(userFolder, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await server?.stop();
		await emulator.stop();
		throw error;
	}
}

/** Closes the banners and dialogs a first visit may show (none is essential). */
export async function dismissPopups(page: Page): Promise<void> {
	for (const selector of [
		'[data-test-id="banner-close-button"]',
		'.el-dialog__headerbtn',
		'.el-notification__closeBtn',
	]) {
		const found = page.locator(selector);
		for (let i = (await found.count()) - 1; i >= 0; i--) {
			await found
				.nth(i)
				.click({ timeout: 1000 })
				.catch(() => undefined);
		}
	}
}

/** Opens a workflow in the editor and waits for its canvas. */
export async function openWorkflow(session: EditorSession, page: Page, id: string): Promise<void> {
	await page.goto(`${session.server.url}/workflow/${id}`, { waitUntil: 'load' });
	// Leaving a workflow with changes asks whether to save them: the tests never save.
	const leave = page.getByRole('button', { name: /Leave without saving/i });
	if (await leave.isVisible().catch(() => false)) await leave.click();
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ state: 'visible' });
	await dismissPopups(page);
}

/** Opens a node's panel (NDV) by its name on the canvas. */
export async function openNode(page: Page, name: string): Promise<Locator> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	return ndv;
}

/** A parameter's row in the open panel, by its label. */
export function parameter(ndv: Locator, label: string): Locator {
	return ndv
		.locator('[data-test-id="parameter-item"]', {
			has: ndv.page().getByText(label, { exact: true }),
		})
		.first();
}
