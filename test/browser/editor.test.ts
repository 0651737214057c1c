/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * The first five minutes in the real n8n editor (n8n 2.41 in headless Debian Chromium, against the
 * emulator): finding the node, picking a flow, the Create fields and what they send, the Output
 * field, the credential's test messages and the flagship example. One n8n for the whole suite.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { freePort, loadExample, repoRoot } from '../n8n';
import type { RecordedRequest } from '../emulator';
import { dismissPopups, openNode, openWorkflow, startEditor, type EditorSession } from './editor';

const FLAGSHIP = 'generate-and-remove-background.json';
const STEP_BY_STEP = 'generate-and-remove-background-step-by-step.json';
/** A copy of the flagship for the tests that change its Create node (the run uses the original). */
const FLAGSHIP_COPY = 'Flagship copy for the field tests';
const TEST_CREDENTIAL = { id: 'vixCredentialTst', name: 'Visionatrix (credential test)' };

let session: EditorSession;
let page: Page;

beforeAll(async () => {
	session = await startEditor(
		[FLAGSHIP, STEP_BY_STEP],
		[{ ...loadExample(FLAGSHIP), name: FLAGSHIP_COPY }],
		[TEST_CREDENTIAL],
	);
	page = await session.context.newPage();
	page.setDefaultTimeout(30_000);
}, 300_000);

afterAll(async () => {
	await session?.stop();
});

afterEach(() => {
	// Everything the editor loads comes from n8n itself, on loopback.
	expect([...(session?.blocked ?? [])]).toEqual([]);
});

/** Polls until `check` holds (every 250 ms, up to the test's own timeout). */
async function until(
	check: () => Promise<boolean> | boolean,
	what: string,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) {
			const shot = join(repoRoot(), '.cache', `browser-failure-${what.replace(/\W+/g, '-')}.png`);
			await page.screenshot({ path: shot }).catch(() => undefined);
			throw new Error(`timed out waiting for ${what} (screenshot: ${shot})`);
		}
		await page.waitForTimeout(250);
	}
}

async function nodeCreatorNames(): Promise<string[]> {
	await page.locator('[data-test-id="node-creator-item-name"]').first().waitFor();
	return await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
}

async function searchNodeCreator(text: string): Promise<string[]> {
	await page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first()
		.fill(text);
	await page.waitForTimeout(500);
	return await nodeCreatorNames();
}

const creates = (flow?: string): RecordedRequest[] =>
	session.emulator.requests.filter(
		(r) =>
			r.method === 'PUT' &&
			r.path.includes('/tasks/create/') &&
			(!flow || r.path.endsWith(`/${flow}`)),
	);

/** Runs the open node ("Execute step") and returns the create request it sent. */
async function executeStep(ndv: Locator): Promise<RecordedRequest> {
	const before = creates().length;
	await ndv.locator('[data-test-id="node-execute-button"]').click();
	await until(() => creates().length > before, 'the create request');
	await ndv.locator('[data-test-id="output-panel"]').getByText('task_id').first().waitFor();
	return creates().at(-1)!;
}

async function choose(ndv: Locator, parameterName: string, option: string | RegExp): Promise<void> {
	await ndv.locator(`[data-test-id="parameter-input-${parameterName}"]`).click();
	await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

/** The names "Add Option" offers in the open panel's options. */
async function addOptionChoices(ndv: Locator): Promise<string[]> {
	await ndv.locator('[data-test-id="collection-parameter-add"]').click();
	const options = page.getByRole('option');
	await options.first().waitFor();
	const names = await options.allInnerTexts();
	await page.keyboard.press('Escape');
	await options.first().waitFor({ state: 'hidden' });
	return names.map((n) => n.trim());
}

describe('finding the node', () => {
	it("search finds Visionatrix on an empty canvas, by name and by what it does, with the node's description", async () => {
		await page.goto(`${session.server.url}/workflow/new`, { waitUntil: 'load' });
		await dismissPopups(page);
		await page.locator('[data-test-id="canvas-plus-button"]').click();
		expect(await searchNodeCreator('Visionatrix')).toContain('Visionatrix');
		const entry = page
			.locator('[data-test-id="node-creator-action-item"], [data-test-id="node-creator-node-item"]')
			.filter({ has: page.getByText('Visionatrix', { exact: true }) })
			.first();
		expect(
			await entry.locator('[data-test-id="node-creator-item-description"]').innerText(),
		).toMatch(/^Run AI flows \(image, video, audio, text\) on a self-hosted Visionatrix server/);
		const found: Record<string, boolean> = {};
		for (const term of ['image generation', 'generate image', 'sdxl'])
			found[term] = (await searchNodeCreator(term)).includes('Visionatrix');
		expect(found).toEqual({ 'image generation': true, 'generate image': true, sdxl: true });
	}, 120_000);

	it('search finds Visionatrix after a trigger, and the AI category lists it beside OpenAI', async () => {
		expect(await searchNodeCreator('Manual')).toContain('Manual Trigger');
		await page.keyboard.press('Enter');
		await page.locator('[data-test-id="canvas-trigger-node"]').first().waitFor();
		await page.keyboard.press('Escape');
		await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
		expect(await searchNodeCreator('Visionatrix')).toContain('Visionatrix');

		await searchNodeCreator('');
		await page
			.locator('[data-test-id="node-creator"]')
			.getByText('AI', { exact: true })
			.first()
			.click();
		expect(await nodeCreatorNames()).toEqual(expect.arrayContaining(['OpenAI', 'Visionatrix']));
	}, 120_000);

	it("offers the Visionatrix Trigger's events under the app's entry, and adds the trigger picked", async () => {
		await page.goto(`${session.server.url}/workflow/new`, { waitUntil: 'load' });
		await dismissPopups(page);
		await page.locator('[data-test-id="canvas-plus-button"]').click();
		await searchNodeCreator('Visionatrix');
		// n8n files an app's trigger under the app's entry, as its trigger actions ("On …").
		await page
			.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Visionatrix$/ })
			.first()
			.click();
		const failed = page.getByText('On task failed', { exact: true }).first();
		await failed.waitFor();
		const actions = (await page.getByText(/^On task /).allInnerTexts()).map((text) => text.trim());
		expect(actions).toEqual(
			expect.arrayContaining(['On task completed', 'On task failed', 'On task finished']),
		);
		await failed.click();
		await page.locator('[data-test-id="canvas-node"]').first().waitFor();
		const added = await page
			.locator('[data-test-id="canvas-node"]')
			.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-node-name') ?? ''));
		expect(added).toEqual(['Visionatrix Trigger']);
		// Opening a community package's entry makes the editor look the package up on npm (its own
		// request, not the node's); it was aborted like every request off loopback.
		session.blocked.delete('registry.npmjs.org');
	}, 120_000);
});

describe('the Create node of the flagship example', () => {
	let ndv: Locator;
	beforeAll(async () => {
		await openWorkflow(session, page, session.workflows.get(FLAGSHIP_COPY)!);
		ndv = await openNode(page, 'Generate Image');
	}, 120_000);

	it('opens with no stale field: each Create names its flow on the canvas, Output: Files, the prompt, no input without a value', async () => {
		await page.keyboard.press('Escape');
		const subtitle = async (name: string) =>
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).innerText();
		expect(await subtitle('Generate Image')).toContain('Create: sdxl_lighting');
		expect(await subtitle('Remove Background')).toContain('Create: remove_background_birefnet');
		ndv = await openNode(page, 'Generate Image');
		// The flow's inputs are there: the notice on (File) inputs shows.
		await ndv
			.getByText('(File) inputs, if the flow has any, take the name of a binary field')
			.waitFor();
		await expect(
			ndv.locator('[data-test-id="parameter-input-output"] input').inputValue(),
		).resolves.toBe('Files');
		const fields = ndv.locator('[data-test-id="mapping-fields-container"]');
		await fields.locator('[data-test-id="parameter-input-prompt"]').waitFor();
		// An options input with no value shows "Select": none of the example's inputs does.
		const inputs = await fields.locator('input').evaluateAll((all) =>
			all.map((i) => ({
				value: (i as HTMLInputElement).value,
				placeholder: (i as HTMLInputElement).placeholder,
			})),
		);
		expect(inputs.filter((i) => i.value === '')).toEqual([]);
		expect(await ndv.locator('[data-test-id="parameter-issues"]').count()).toBe(0);
	}, 120_000);

	it("lists the server's flows", async () => {
		const response = await fetch(`${session.emulator.url}/vapi/flows/installed`, {
			headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
		});
		const installed = (await response.json()) as Array<{
			name: string;
			display_name: string;
			hidden?: boolean;
		}>;
		const expected = installed.filter((f) => !f.hidden).map((f) => `${f.display_name} (${f.name})`);
		await ndv.locator('[data-test-id="rlc-input"]').click();
		const items = page.locator('[data-test-id="rlc-item"]');
		await until(async () => (await items.count()) >= expected.length, 'the list of flows');
		const listed = await items.allInnerTexts();
		await page.keyboard.press('Escape');
		expect(listed.map((l) => l.trim()).sort()).toEqual(expected.sort());
	}, 120_000);

	it('shows wait options only when Create waits, Fallback Check only On Webhook', async () => {
		const files = await addOptionChoices(ndv);
		expect(files).toEqual(
			expect.arrayContaining([
				'Timeout (Seconds)',
				'Wait Mode',
				'Put Output File in Field',
				'All Files in One Item',
			]),
		);
		expect(files).not.toContain('Fallback Check (Seconds)');

		await choose(ndv, 'output', /^Task IDs/);
		const taskIds = await addOptionChoices(ndv);
		expect(taskIds).toEqual([
			'Concurrency',
			'Group Scope',
			'Priority',
			'Webhook Headers',
			'Webhook URL',
		]);

		await choose(ndv, 'output', /^Final State/);
		const finalState = await addOptionChoices(ndv);
		expect(finalState).toEqual(expect.arrayContaining(['Timeout (Seconds)', 'Wait Mode']));
		expect(finalState).not.toContain('Put Output File in Field');
		await ndv.locator('[data-test-id="collection-parameter-add"]').click();
		await page.getByRole('option', { name: 'Wait Mode' }).click();
		await choose(ndv, 'waitMode', /^On Webhook/);
		expect(await addOptionChoices(ndv)).toContain('Fallback Check (Seconds)');
	}, 120_000);

	it("after Add All Inputs, the labels are the inputs' names, and Translate sends what it shows", async () => {
		await choose(ndv, 'output', /^Task IDs/);
		const mapper = ndv.locator('[data-test-id="resource-mapper-container"]');
		await mapper.locator('[data-test-id="action-toggle"]').first().click();
		await page.getByText('Add All Inputs').click();
		const labels = await mapper.locator('[data-test-id="mapping-fields-container"]').innerText();
		expect(labels).toContain('Number of steps');
		expect(labels).toContain('Negative Prompt');

		// Nothing chosen (or the server's default): it shows neither on nor off, and nothing is sent.
		expect(['', "Server's Default (Not Sent)"]).toContain(
			await ndv.locator('[data-test-id="parameter-input-translate"] input').inputValue(),
		);
		const untouched = await executeStep(ndv);
		expect(untouched.formFields.map((f) => f.name)).not.toContain('translate');

		const sent: Record<string, unknown> = {};
		for (const [choice, name] of [
			['On', 'on'],
			['Off', 'off'],
			["Server's Default (Not Sent)", 'default'],
		]) {
			await choose(ndv, 'translate', choice);
			expect(
				await ndv.locator('[data-test-id="parameter-input-translate"] input').inputValue(),
			).toBe(choice);
			sent[name] = (await executeStep(ndv)).formFields.find((f) => f.name === 'translate');
		}
		expect(sent).toEqual({
			on: { name: 'translate', value: '1' },
			off: { name: 'translate', value: '0' },
			default: undefined,
		});
	}, 180_000);
});

describe('Wait for Completion in the step-by-step example', () => {
	it('shows Fallback Check only On Webhook, whose description starts with the resume URL to give', async () => {
		await openWorkflow(session, page, session.workflows.get(STEP_BY_STEP)!);
		expect(
			await page
				.locator('[data-test-id="canvas-node"][data-node-name="Wait for Image"]')
				.innerText(),
		).toContain('Task: Wait for Completion');
		const ndv = await openNode(page, 'Wait for Image');
		expect(await addOptionChoices(ndv)).toEqual(['Cancel Unfinished Tasks', 'Wait Mode']);
		await ndv.locator('[data-test-id="collection-parameter-add"]').click();
		await page.getByRole('option', { name: 'Wait Mode' }).click();
		await ndv.locator('[data-test-id="parameter-input-waitMode"]').click();
		const onWebhook = await page.getByRole('option', { name: /^On Webhook/ }).innerText();
		expect(onWebhook).toContain('Create the tasks with Webhook URL {{ $execution.resumeUrl }}');
		await page.getByRole('option', { name: /^On Webhook/ }).click();
		expect(await addOptionChoices(ndv)).toContain('Fallback Check (Seconds)');
	}, 120_000);
});

describe('the flagship example', () => {
	it('runs as imported on an n8n started from its home folder: without ~/.n8n-files it says to create it, then saves both images there', async () => {
		const folder = join(session.instance.userFolder, '.n8n-files');
		expect(existsSync(folder)).toBe(false);
		await openWorkflow(session, page, session.workflows.get(FLAGSHIP)!);
		const run = async () => {
			await dismissPopups(page);
			await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		};

		await run();
		await page
			.getByText(
				/Cannot save the file in the folder '\.n8n-files' .*create it \(mkdir ~\/\.n8n-files/,
			)
			.first()
			.waitFor({ timeout: 120_000 });

		// What the message says: the user creates the folder and runs again.
		mkdirSync(folder);
		const before = creates().length;
		await run();
		const saved = () => readdirSync(folder);
		await until(() => saved().length >= 2, 'both images saved', 120_000);
		expect(saved().sort()).toEqual([
			expect.stringMatching(/^generated-\d+-0\.png$/),
			expect.stringMatching(/^no-background-\d+-0\.png$/),
		]);
		expect(
			creates()
				.slice(before)
				.map((r) => r.path.split('/').at(-1)),
		).toEqual(['sdxl_lighting', 'remove_background_birefnet']);
	}, 240_000);
});

describe('the credential test', () => {
	/** Sets the credential's fields, saves (n8n then tests it) and returns the modal's text. */
	async function testWith(fields: {
		baseUrl?: string;
		apiVersion?: string;
		password?: string;
	}): Promise<string> {
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		// Opened once; each test then changes the fields and saves again, as a user corrects them.
		if (!(await modal.isVisible())) {
			await page.goto(`${session.server.url}/home/credentials/${TEST_CREDENTIAL.id}`, {
				waitUntil: 'load',
			});
			await modal.locator('[data-test-id="parameter-input-baseUrl"] input').waitFor();
			await modal
				.getByText(/Connection tested successfully|Couldn’t connect/)
				.first()
				.waitFor();
		}
		await modal
			.locator('[data-test-id="parameter-input-baseUrl"] input')
			.fill(fields.baseUrl ?? session.emulator.url);
		await modal
			.locator('[data-test-id="parameter-input-password"] input')
			.fill(fields.password ?? 'admin');
		await modal.locator('[data-test-id="parameter-input-apiVersion"]').click();
		await page
			.getByRole('option', { name: fields.apiVersion ?? 'Current (1.7 and Later)' })
			.click();
		// Saving tests the credential: wait for this test's answer, then for the modal to show it.
		const tested = page.waitForResponse((r) => r.url().endsWith('/rest/credentials/test'));
		await modal.locator('[data-test-id="credential-save-button"]').click();
		const { data } = (await (await tested).json()) as { data: { status: string; message: string } };
		await modal.getByText('Saved', { exact: true }).waitFor();
		if (data.status === 'OK') {
			await modal.getByText('Connection tested successfully').first().waitFor();
		} else {
			const message = modal.getByText(data.message).first();
			const details = modal.getByText('More details');
			await until(
				async () => (await details.isVisible()) || (await message.isVisible()),
				'the test result',
			);
			if (await details.isVisible()) await details.click();
			await message.waitFor();
		}
		return await modal.innerText();
	}

	it('a wrong password: check the username and password', async () => {
		const text = await testWith({ password: 'wrong' });
		expect(text).toContain('Visionatrix refused the Username and Password (401). Check both');
	}, 120_000);

	it('Legacy against a current server: choose the API Version that fits the server', async () => {
		expect(await testWith({ apiVersion: 'Legacy (1.6 and Earlier)' })).toContain(
			'The server answered 404: it has no Visionatrix API for the chosen API Version. Choose Current for Visionatrix 1.7 and later, Legacy for 1.6 and earlier',
		);
	}, 120_000);

	it('a Base URL ending in /vapi, or without http://: what to write instead', async () => {
		const url = session.emulator.url;
		expect(await testWith({ baseUrl: `${url}/vapi` })).toContain(
			`The Base URL '${url}/vapi' of the Visionatrix credential has an API path or query in it. Set it to ${url}`,
		);
		const address = url.replace(/^http:\/\//, '');
		expect(await testWith({ baseUrl: address })).toContain(
			`The Base URL '${address}' of the Visionatrix credential has no http:// or https://. Write it with its scheme, for example http://${address}.`,
		);
	}, 120_000);

	it("an unreachable server: n8n's bare error code; for a loopback Base URL the form tells about n8n in Docker", async () => {
		const docker =
			"n8n in Docker? There localhost is n8n's own container: give the address of the machine Visionatrix runs on, or http://host.docker.internal:8288";
		const text = await testWith({ baseUrl: `http://127.0.0.1:${await freePort()}` });
		expect(text).toContain('ECONNREFUSED');
		expect(text).toContain(docker);
		// Not for another machine's address, where it would only be noise.
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await modal
			.locator('[data-test-id="parameter-input-baseUrl"] input')
			.fill('http://192.168.1.20:8288');
		await modal.getByText(docker).waitFor({ state: 'hidden' });
	}, 120_000);

	it('the right settings pass', async () => {
		expect(await testWith({})).toContain('Connection tested successfully');
	}, 120_000);
});
