/**
 * Debian's Chromium as every browser test and `npm run screenshot` start it: headless, and with
 * nothing off loopback (this machine has no other network, and a test must not depend on one).
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
	/^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url) || /^(data|blob|about):/.test(url);

/** Fails (not skips) with the command that installs it. */
export function checkChromium(): void {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} is missing: as root run "apt-get install -y chromium" (scripts/test.sh does), or set CHROMIUM_PATH.`);
	}
}
