/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * Debian's Chromium as every browser test, `npm run screenshot` and `npm run demo:video` start it:
 * headless, signed in to n8n, and with nothing off loopback (this machine has no other network,
 * and a test must not depend on one).
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

/** Addresses the browser may load: n8n and the emulator on loopback, and in-page URLs. */
export const isLoopback = (url: string): boolean =>
	/^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url) ||
	/^(data|blob|about):/.test(url);

/** Fails (not skips) with the command that installs it. */
export function checkChromium(): void {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`${CHROMIUM} is missing: as root run "apt-get install -y chromium" (scripts/test.sh does), or set CHROMIUM_PATH.`,
		);
	}
}

/** What keepOnLoopback needs of a playwright-core browser context (scripts type it themselves). */
interface RoutableContext {
	route(
		url: string,
		handler: (route: {
			request(): { url(): string };
			continue(): Promise<void>;
			abort(): Promise<void>;
		}) => Promise<void>,
	): Promise<unknown>;
}

/** Aborts every request of the context that is not on loopback; the set collects their hosts. */
export async function keepOnLoopback(context: RoutableContext): Promise<Set<string>> {
	const blocked = new Set<string>();
	await context.route('**/*', async (route) => {
		const url = route.request().url();
		if (isLoopback(url)) return await route.continue();
		blocked.add(new URL(url).host);
		await route.abort();
	});
	return blocked;
}

/** What signIn needs of a playwright-core browser context. */
interface RequestingContext {
	request: {
		post(
			url: string,
			options: { data: Record<string, string> },
		): Promise<{ ok(): boolean; status(): number; text(): Promise<string> }>;
	};
}

/** Signs the context's pages in to the n8n at `editorUrl` as its owner (n8n's REST login sets the cookie). */
export async function signIn(
	context: RequestingContext,
	editorUrl: string,
	owner: { email: string; password: string },
): Promise<void> {
	const login = await context.request.post(`${editorUrl}/rest/login`, {
		data: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!login.ok()) throw new Error(`sign-in failed: ${login.status()} ${await login.text()}`);
}
