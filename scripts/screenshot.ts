/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	no-console
	-- a developer script, run by Node.js and never shipped */
/**
 * Screenshots for the README (`npm run screenshot`, through scripts/screenshot.sh): starts the
 * emulator and a real n8n editor with the examples (as `npm run n8n:dev` does, in a fresh user
 * folder), signs in and saves
 *   docs/workflow.png     examples/generate-and-remove-background.json on the canvas
 *   docs/node-panel.png   the Create node ("Generate Image") opened
 *
 * Drives Debian's Chromium (/usr/bin/chromium, `apt-get install -y chromium`; or CHROMIUM_PATH)
 * with playwright-core. Every request that is not for 127.0.0.1/localhost is aborted.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CHROMIUM, CHROMIUM_ARGS, keepOnLoopback, signIn } from '../test/browser/chromium';
import { repoRoot } from '../test/n8n';
import { DEV_WORKFLOWS, startDevSession } from './n8n-dev';

// The part of playwright-core's API used here (playwright-core is loaded at run time, so that type
// checking does not need it installed).
interface Locator {
	first(): Locator;
	click(options?: { timeout?: number; force?: boolean }): Promise<void>;
	dblclick(options?: { timeout?: number }): Promise<void>;
	waitFor(options?: { state?: 'visible' | 'attached' | 'hidden'; timeout?: number }): Promise<void>;
	count(): Promise<number>;
	isVisible(): Promise<boolean>;
	screenshot(options: { path: string }): Promise<Buffer>;
}
interface Route {
	request(): { url(): string };
	continue(): Promise<void>;
	abort(): Promise<void>;
}
interface Page {
	goto(
		url: string,
		options?: { waitUntil?: 'load' | 'networkidle' | 'domcontentloaded'; timeout?: number },
	): Promise<unknown>;
	locator(selector: string): Locator;
	getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
	screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
	waitForTimeout(ms: number): Promise<void>;
	waitForLoadState(state: 'networkidle' | 'load', options?: { timeout?: number }): Promise<void>;
	keyboard: { press(key: string): Promise<void> };
	on(event: 'console', listener: (msg: { type(): string; text(): string }) => void): void;
}
interface BrowserContext {
	newPage(): Promise<Page>;
	route(pattern: string, handler: (route: Route) => Promise<void>): Promise<void>;
	request: {
		post(
			url: string,
			options: { data: unknown },
		): Promise<{ ok(): boolean; status(): number; text(): Promise<string> }>;
	};
}
interface Browser {
	newContext(options: {
		viewport: { width: number; height: number };
		deviceScaleFactor?: number;
		colorScheme?: 'light' | 'dark';
	}): Promise<BrowserContext>;
	close(): Promise<void>;
}
interface PlaywrightCore {
	chromium: {
		launch(options: {
			executablePath: string;
			headless: boolean;
			args: string[];
		}): Promise<Browser>;
	};
}

function loadPlaywright(): PlaywrightCore {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require('playwright-core') as PlaywrightCore;
}

async function dismissPopups(page: Page): Promise<void> {
	// Banners and dialogs a first visit may show; none is essential, so ignore the ones not there.
	for (const selector of [
		'[data-test-id="banner-close-button"]',
		'[data-test-id="banners"] [data-test-id="close-button"]',
		'.el-dialog__headerbtn',
		'[data-test-id="whats-new-modal"] button[aria-label="Close"]',
		'.el-notification__closeBtn',
	]) {
		const loc = page.locator(selector);
		const n = await loc.count();
		for (let i = 0; i < n; i++) {
			try {
				if (await loc.first().isVisible()) await loc.first().click({ timeout: 1000 });
			} catch {
				// gone already
			}
		}
	}
}

async function main(): Promise<void> {
	const root = repoRoot();
	const playwright = loadPlaywright();
	const docs = join(root, 'docs');
	mkdirSync(docs, { recursive: true });

	const userFolder = mkdtempSync(join(tmpdir(), 'vix-n8n-shot-'));
	const session = await startDevSession({
		userFolder,
		log: (line) => console.log(`[screenshot] ${line}`),
	});
	let browser: Browser | undefined;
	try {
		browser = await playwright.chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
		});
		const context = await browser.newContext({
			viewport: { width: 1600, height: 900 },
			deviceScaleFactor: 1,
			colorScheme: 'light',
		});
		const blocked = await keepOnLoopback(context);

		await signIn(context, session.editorUrl, session);

		const page = await context.newPage();
		const workflowId = DEV_WORKFLOWS[0].id;
		await page.goto(`${session.editorUrl}/workflow/${workflowId}`, {
			waitUntil: 'load',
			timeout: 60_000,
		});
		await page
			.locator('[data-test-id="canvas-node"]')
			.first()
			.waitFor({ state: 'visible', timeout: 60_000 });
		await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => undefined);
		await dismissPopups(page);
		// Fit the whole workflow into view (n8n's "zoom to fit" shortcut), then let the canvas settle.
		await page
			.locator('[data-test-id="canvas-wrapper"], .vue-flow')
			.first()
			.click({ timeout: 5000, force: true })
			.catch(() => undefined);
		await page.keyboard.press('1');
		await page.waitForTimeout(1000);

		// Run it in the editor (manual execution through the running n8n), so that the canvas shows
		// the item counts and the panel shows output data. Screenshots are taken either way.
		const nodeCount = await page.locator('[data-test-id="canvas-node"]').count();
		try {
			await page
				.locator('[data-test-id="execute-workflow-button"]')
				.first()
				.click({ timeout: 10_000 });
			const deadline = Date.now() + 90_000;
			let done = 0;
			while (Date.now() < deadline) {
				done = await page.locator('[data-test-id="canvas-node-status-success"]').count();
				if (done >= nodeCount) break; // (sticky notes are not canvas nodes)
				await page.waitForTimeout(500);
			}
			console.log(`[screenshot] executed in the editor: ${done} of ${nodeCount} nodes succeeded`);
			await page.waitForTimeout(1000);
		} catch (error) {
			console.warn(
				`[screenshot] could not run the workflow in the editor: ${(error as Error).message.split('\n')[0]}`,
			);
		}
		await dismissPopups(page);
		const workflowPng = join(docs, 'workflow.png');
		await page.screenshot({ path: workflowPng });
		console.log(`[screenshot] saved ${workflowPng}`);

		// Open the Create node's panel
		await page
			.locator('[data-test-id="canvas-node"][data-node-name="Generate Image"]')
			.first()
			.dblclick({ timeout: 10_000 });
		await page
			.locator('[data-test-id="ndv"]')
			.first()
			.waitFor({ state: 'visible', timeout: 20_000 });
		await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => undefined);
		await page.waitForTimeout(2000); // list of flows and the inputs come from the emulator
		await dismissPopups(page);
		await page.waitForTimeout(500);
		const panelPng = join(docs, 'node-panel.png');
		await page.screenshot({ path: panelPng });
		console.log(`[screenshot] saved ${panelPng}`);
		if (blocked.size) console.log(`[screenshot] blocked requests to: ${[...blocked].join(', ')}`);
	} finally {
		await browser?.close();
		await session.stop();
		rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(
		`[screenshot] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
	);
	process.exit(1);
});
