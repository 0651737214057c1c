/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- a developer script, run by Node.js and never shipped */
/**
 * The demo video (`npm run demo:video`, through scripts/demo-video.sh; not part of `npm test`):
 * the flagship story in the real n8n editor, in one take, against the built-in emulator. From a
 * workflow with only a manual trigger: add the Visionatrix node, pick the credential and the flow,
 * type a prompt, run it and look at the picture; add a second one with the background-removal
 * flow, run it and look at the cut-out. Writes docs/demo.mp4 and docs/demo.gif.
 *
 * Debian's Chromium (driven by playwright-core) and Debian's ffmpeg; every request that is not for
 * 127.0.0.1 is aborted. DEMO_VIDEO_OUT=<folder> writes the files elsewhere.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import { startEmulator, type VisionatrixEmulator } from '../test/emulator';
import {
	CHROMIUM,
	CHROMIUM_ARGS,
	checkChromium,
	keepOnLoopback,
	signIn,
} from '../test/browser/chromium';
import { locateN8n, prepareWorkflow, repoRoot, startN8nServer, type N8nServer } from '../test/n8n';
import { checkBuilt, prepareN8n } from '../test/n8n/session';
import { installOverlay } from './demo-overlay';
import { encodeGif, encodeMp4, startScreencast, type Screencast } from './screencast';

const SIZE = { width: 1280, height: 800 };
const OWNER = { email: 'demo@visionatrix.local', password: 'Vix-Demo-2026' };
const PROMPT = 'a hot air balloon over green hills at sunrise';
const log = (line: string) => process.stdout.write(`[demo:video] ${line}\n`);

interface Stage {
	emulator: VisionatrixEmulator;
	server: N8nServer;
	workflowId: string;
	stop(): Promise<void>;
}

/** The emulator (pictures 512 px, tasks of two seconds) and n8n with the credential and a trigger. */
async function setUp(): Promise<Stage> {
	checkBuilt();
	checkChromium();
	const installation = locateN8n();
	const emulator = await startEmulator({ taskDurationMs: 2000, pictureSize: 512 });
	const userFolder = mkdtempSync(join(tmpdir(), 'vix-demo-video-'));
	try {
		const trigger = {
			name: 'When clicking ‘Execute workflow’',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const { instance, workflowIds } = await prepareN8n({
			installation,
			owner: OWNER,
			connection: { baseUrl: emulator.url, username: 'admin', password: 'admin' },
			workflows: (credential) => [
				prepareWorkflow(
					{ name: 'Picture without background', nodes: [trigger], connections: {} },
					{ credential },
				),
			],
			instance: { userFolder, logLevel: 'warn' },
		});
		const server = await startN8nServer(instance, { timeoutMs: 180_000 });
		const stop = async () => {
			await server.stop();
			await emulator.stop();
			rmSync(userFolder, { recursive: true, force: true });
		};
		return { emulator, server, workflowId: workflowIds[0], stop };
	} catch (error) {
		await emulator.stop();
		throw error;
	}
}

/** The page's actions as a viewer should see them: the pointer glides, keys are typed one by one. */
class Director {
	constructor(
		readonly page: Page,
		readonly screencast: Screencast,
	) {}

	/** Shows a caption, then holds for it to be read. */
	async say(text: string, holdMs = 1200): Promise<void> {
		log(`${this.screencast.elapsed().toFixed(1)} s: ${text}`);
		await this.page.evaluate((line) => window.demoOverlay.caption(line), text);
		await this.screencast.hold(holdMs);
	}

	async click(target: Locator, pauseMs = 500): Promise<void> {
		await target.waitFor({ state: 'visible' });
		const box = await target.boundingBox();
		if (box) {
			await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
			await this.page.waitForTimeout(250);
		}
		await target.click();
		await this.page.waitForTimeout(pauseMs);
	}

	async type(text: string): Promise<void> {
		await this.page.keyboard.type(text, { delay: 55 });
		await this.page.waitForTimeout(400);
	}
}

const ndv = (page: Page) => page.locator('[data-test-id="ndv"]');

/** From the last node's plus: search Visionatrix, open it, pick Create; leaves its panel open. */
async function addCreateNode(director: Director): Promise<void> {
	const { page } = director;
	await director.click(page.locator('[data-test-id="canvas-handle-plus"]').last());
	await director.click(
		page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
			)
			.first(),
		200,
	);
	await director.type('Visionatrix');
	await director.click(
		page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Visionatrix$/ }).first(),
	);
	await director.click(page.locator('[data-test-id="node-creator"]').getByText('Create a task'));
	await ndv(page).waitFor();
	await page.waitForTimeout(800);
}

async function rename(director: Director, name: string): Promise<void> {
	await director.click(ndv(director.page).locator('[data-test-id="inline-edit-preview"]').first());
	await director.page.keyboard.press('Control+A');
	await director.type(name);
	await director.page.keyboard.press('Enter');
}

async function pickFlow(director: Director, name: string): Promise<void> {
	await director.click(ndv(director.page).locator('[data-test-id="rlc-input"]'));
	await director.click(
		director.page.locator('[data-test-id="rlc-item"]', { hasText: name }).first(),
	);
	await director.page.waitForTimeout(1200);
}

/** Execute step, then the output's first file opened. */
async function runAndView(director: Director): Promise<void> {
	const { page } = director;
	await director.click(ndv(page).locator('[data-test-id="node-execute-button"]').first(), 200);
	const output = page.locator('[data-test-id="output-panel"]');
	await output.getByRole('button', { name: 'View' }).waitFor({ timeout: 60_000 });
	await page.waitForTimeout(900);
	await director.click(output.getByRole('button', { name: 'View' }));
}

/** The story, from the title card (already up) to the closing card. */
async function story(director: Director): Promise<void> {
	const { page } = director;
	await director.screencast.hold(3500);
	await page.evaluate(() => window.demoOverlay.hideCard());

	await director.say('Add the Visionatrix node after the trigger');
	await addCreateNode(director);
	await director.say('Pick the credential and the flow: SDXL Lighting');
	await director.click(ndv(page).locator('[data-test-id="node-credentials-select"]').first());
	await director.click(page.getByRole('option', { name: /Visionatrix account/ }).first());
	await pickFlow(director, 'sdxl_lighting');
	await rename(director, 'Generate Image');
	await director.say('Type a prompt', 300);
	await director.click(ndv(page).locator('[data-test-id="parameter-input-prompt"]').first());
	await director.type(PROMPT);
	await director.say('Run it: the node queues the task and waits for the picture', 300);
	await runAndView(director);
	await director.say('The generated picture, as n8n binary data', 3500);

	await director.click(ndv(page).locator('[data-test-id="ndv-close-button"]'));
	await director.say('Add a second Visionatrix step: remove the background');
	await addCreateNode(director);
	await pickFlow(director, 'remove_background_birefnet');
	await rename(director, 'Remove Background');
	await director.say('Its input image is the picture from the step before (field "data")', 2500);
	await runAndView(director);
	await director.click(ndv(page).locator('[data-test-id="ndv-view-binary-data"]').first());
	await director.say('Before and after: the background is gone', 4000);

	await director.click(ndv(page).locator('[data-test-id="ndv-close-button"]'));
	await director.click(page.locator('[data-test-id="zoom-to-fit"]'));
	await director.say('Ready for a schedule, Slack, Google Drive or the next flow', 3000);
	await page.evaluate(() => window.demoOverlay.caption(''));
	await page.evaluate(() =>
		window.demoOverlay.card('n8n-nodes-visionatrix', [
			'Settings → Community Nodes → Install',
			'<code>n8n-nodes-visionatrix</code>',
		]),
	);
}

async function record(stage: Stage, browser: Browser, out: string): Promise<void> {
	const context = await browser.newContext({ viewport: SIZE, colorScheme: 'light' });
	const blocked = await keepOnLoopback(context);
	await context.addInitScript(installOverlay);
	await signIn(context, stage.server.url, OWNER);
	const page = await context.newPage();
	page.setDefaultTimeout(60_000);
	// The editor loads (the first time slowly) before the recording starts, under the title card.
	await page.goto(`${stage.server.url}/workflow/${stage.workflowId}`, { waitUntil: 'load' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 180_000 });
	await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
	await page.evaluate(() =>
		window.demoOverlay.card('Visionatrix for n8n', [
			'Generate a picture on your own Visionatrix server,',
			'then remove its background: two steps in a workflow.',
		]),
	);
	const frames = mkdtempSync(join(tmpdir(), 'vix-demo-frames-'));
	try {
		const screencast = await startScreencast(await context.newCDPSession(page), frames, SIZE);
		await story(new Director(page, screencast)).catch(async (error: unknown) => {
			await page.screenshot({ path: join(out, 'demo-failure.png') }).catch(() => undefined);
			await screencast.stop(0);
			throw error;
		});
		const recording = await screencast.stop(3);
		log(`${recording.frames.length} frames, ${recording.end.toFixed(1)} s; encoding`);
		encodeMp4(recording, frames, join(out, 'demo.mp4'));
		encodeGif(join(out, 'demo.mp4'), join(out, 'demo.gif'), 800, 8);
	} finally {
		rmSync(frames, { recursive: true, force: true });
	}
	if (blocked.size) log(`blocked requests to: ${[...blocked].join(', ')}`);
}

async function main(): Promise<void> {
	const out = process.env.DEMO_VIDEO_OUT ?? join(repoRoot(), 'docs');
	mkdirSync(out, { recursive: true });
	log('starting the emulator and n8n');
	const stage = await setUp();
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	try {
		await record(stage, browser, out);
	} finally {
		await browser.close();
		await stage.stop();
	}
	for (const file of ['demo.mp4', 'demo.gif'])
		log(`${join(out, file)}: ${(statSync(join(out, file)).size / 1e6).toFixed(2)} MB`);
}

main().catch((error: unknown) => {
	log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	process.exit(1);
});
