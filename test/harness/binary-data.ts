/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';

import { Container } from './di';

/**
 * - `default`: bytes stay inline, base64 in `binary.data` (N8N_DEFAULT_BINARY_DATA_MODE=default).
 * - `filesystem`: n8n 2.x's default; bytes go to files under a temporary folder and `binary.id`
 *   is a `filesystem-v2:...` reference.
 */
export type BinaryDataMode = 'default' | 'filesystem';

let storageDir: string | undefined;
let configuredMode: BinaryDataMode | undefined;
let pending: Promise<void> = Promise.resolve();
let runsInFlight = 0;

function getStorageDir(): string {
	storageDir ??= mkdtempSync(join(tmpdir(), 'vix-harness-binary-'));
	return storageDir;
}

/**
 * Configures n8n-core's real `BinaryDataService` (from its DI container) for a mode. The service is
 * process-wide, so runs with different modes must not overlap: a run asking for another mode while
 * one is in flight is refused rather than silently getting the wrong storage.
 */
async function configure(mode: BinaryDataMode): Promise<void> {
	if (configuredMode === mode) return;
	if (runsInFlight > 0) {
		throw new Error(
			`Binary data mode "${configuredMode}" is in use by a running workflow; runs with mode "${mode}" must not overlap with it`,
		);
	}
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = getStorageDir();
	await Container.get(BinaryDataService).init();
	configuredMode = mode;
}

/** Marks a run as using `mode` until the returned release function is called. */
export async function acquireBinaryDataMode(mode: BinaryDataMode): Promise<() => void> {
	const step = pending.then(async () => await configure(mode));
	pending = step.catch(() => undefined);
	await step;
	runsInFlight++;
	let released = false;
	return () => {
		if (!released) {
			released = true;
			runsInFlight--;
		}
	};
}

/** The bytes of a binary property, inline or stored, through the same service nodes use. */
export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** Removes the filesystem-mode storage folder (call from `afterAll` if you want it gone early). */
export function removeBinaryDataStorage(): void {
	if (storageDir && runsInFlight === 0) {
		rmSync(storageDir, { recursive: true, force: true });
		storageDir = undefined;
		configuredMode = undefined;
	}
}

// Under jest each test file gets its own copy of this module (and folder): clean up after the file.
if (typeof afterAll === 'function') {
	afterAll(() => removeBinaryDataStorage());
} else {
	process.once('exit', () => {
		if (storageDir) rmSync(storageDir, { recursive: true, force: true });
	});
}
