/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- test code, run by Node.js and never shipped */
/** A running n8n (`n8n start`) on loopback, for hand testing, screenshots and the tests that need one. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { answersOk, keepOutput, stopProcess, untilReady } from './child-process';
import { freePort } from './free-port';
import type { N8nInstallation } from './install';
import type { N8nInstance } from './instance';

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
	const { node, bin } = instance.installation;
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
	const child = spawn(node, [bin, 'start'], {
		cwd: instance.cwd,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const log = keepOutput(child, options.echo ? (chunk) => process.stdout.write(chunk) : undefined);
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => await stopProcess(child, 10_000);
	await untilReady(child, 'n8n start', answersOk(`${url}/healthz/readiness`), {
		timeoutMs: options.timeoutMs ?? 90_000,
		intervalMs: 500,
		output: log,
		stop,
	});
	return { url, port, process: child, log, stop };
}

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
export function ownerEnv(
	installation: N8nInstallation,
	owner: OwnerAccount,
): Record<string, string> {
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
