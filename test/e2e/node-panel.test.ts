/**
 * End to end in a real n8n editor (`n8n start`, Debian's Chromium through playwright-core): a user
 * who opens a new workflow, clicks "Add first step" and searches "Visionatrix" finds Visionatrix,
 * whose trigger actions (the editor files an app's trigger under the app's entry) add the
 * Visionatrix Trigger. The editor's search leaves out entries whose codex category is a bare `AI`
 * (unless AI nodes are already on the canvas): the codex files must use categories it keeps.
 *
 * Needs `npm run build` (dist/), the n8n install and /usr/bin/chromium (or CHROMIUM_PATH).
 * Every browser request that is not for 127.0.0.1 is aborted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import {
	createN8nInstance,
	locateN8n,
	ownerEnv,
	repoRoot,
	startN8nServer,
	type N8nInstance,
	type N8nServer,
} from '../n8n';

const OWNER = { email: 'e2e@visionatrix.local', password: 'Vix-e2e-2026' };
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const isLoopback = (url: string) => /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url) || /^(data|blob|about):/.test(url);

describe('the node panel of a real n8n editor', () => {
	let instance: N8nInstance | undefined;
	let server: N8nServer | undefined;
	let browser: Browser | undefined;
	let found: string[] = [];
	let actions: string[] = [];
	let added: string[] = [];

	beforeAll(async () => {
		if (!existsSync(join(repoRoot(), 'dist', 'nodes', 'VisionatrixTrigger', 'VisionatrixTrigger.node.json'))) {
			throw new Error('dist/ has no built trigger codex: run "npm run build" first (scripts/test.sh does).');
		}
		if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH).`);
		const installation = locateN8n();
		instance = await createN8nInstance({ installation, extraEnv: ownerEnv(installation, OWNER) });
		server = await startN8nServer(instance);

		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
		const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		await context.route('**/*', async (route) => (isLoopback(route.request().url()) ? await route.continue() : await route.abort()));
		const login = await context.request.post(`${server.url}/rest/login`, { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
		if (!login.ok()) throw new Error(`sign-in failed: ${login.status()} ${await login.text()}`);

		const page = await context.newPage();
		await page.goto(`${server.url}/workflow/new`, { waitUntil: 'load', timeout: 90_000 });
		await page.locator('[data-test-id="canvas-add-button"]').first().click({ timeout: 60_000 });
		await page.locator('[data-test-id="node-creator-search-bar"]').first().fill('Visionatrix', { timeout: 30_000 });
		// The list filters as the user types; it holds the default triggers until then.
		const entry = page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Visionatrix$/ }).first();
		await entry.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
		found = (await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts()).map((name) => name.trim());
		if (!found.includes('Visionatrix')) return;
		// n8n lists an app's trigger under the app's entry, as its trigger actions ("On …").
		await entry.click({ timeout: 10_000 });
		const failedAction = page.getByText('On task failed', { exact: true }).first();
		await failedAction.waitFor({ state: 'visible', timeout: 30_000 });
		actions = (await page.getByText(/^On task /).allInnerTexts()).map((text) => text.trim());
		await failedAction.click({ timeout: 10_000 });
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ state: 'visible', timeout: 30_000 });
		added = await page.locator('[data-test-id="canvas-node"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-node-name') ?? ''));
		await page.screenshot({ path: join(instance.userFolder, 'node-panel.png') });
	}, 240_000);

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		if (added.includes('Visionatrix Trigger')) instance?.cleanup();
	});

	it('finds Visionatrix when the first step is searched for "Visionatrix"', () => {
		expect(found).toContain('Visionatrix');
	});

	it('offers the trigger\'s events as its trigger actions, and adds the Visionatrix Trigger for the one picked', () => {
		expect(actions).toEqual(expect.arrayContaining(['On task completed', 'On task failed', 'On task finished']));
		expect(added).toEqual(['Visionatrix Trigger']);
	});
});
