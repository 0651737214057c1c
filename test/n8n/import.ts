/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** Credentials and workflows into an instance's database (`n8n import:credentials`, `n8n import:workflow`). */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runN8nCli, type CliResult } from './cli';
import type { N8nInstance } from './instance';
import { CREDENTIAL_TYPE } from './repo';

export interface CredentialExport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface VisionatrixConnection {
	baseUrl: string;
	apiVersion?: 'current' | 'legacy';
	username?: string;
	password?: string;
}

/** An importable credential of type visionatrixApi (`data` is encrypted by n8n on import). */
export function visionatrixCredential(
	connection: VisionatrixConnection,
	id = 'vixDemoCredent01',
	name = 'Visionatrix account',
): CredentialExport {
	return {
		id,
		name,
		type: CREDENTIAL_TYPE,
		data: {
			baseUrl: connection.baseUrl,
			apiVersion: connection.apiVersion ?? 'current',
			username: connection.username ?? '',
			password: connection.password ?? '',
		},
	};
}

export async function importCredentials(
	instance: N8nInstance,
	credentials: CredentialExport[],
): Promise<CliResult> {
	const file = join(instance.userFolder, `import-credentials-${Date.now()}.json`);
	writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	try {
		return await runN8nCli(instance, ['import:credentials', `--input=${file}`]);
	} finally {
		rmSync(file, { force: true });
	}
}

// A minimal description of a workflow export; n8n accepts more fields.
export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
	[key: string]: unknown;
}

export interface WorkflowExport {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/** n8n's workflow ids are 16 alphanumeric characters. */
export function newWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

/** Imports one workflow and returns its id. */
export async function importWorkflow(
	instance: N8nInstance,
	workflow: WorkflowExport,
): Promise<string> {
	const id = workflow.id && /^[A-Za-z0-9]{16}$/.test(workflow.id) ? workflow.id : newWorkflowId();
	const file = join(instance.userFolder, `import-workflow-${id}.json`);
	writeFileSync(file, JSON.stringify({ active: false, ...workflow, id }, null, 2));
	try {
		await runN8nCli(instance, ['import:workflow', `--input=${file}`]);
	} finally {
		rmSync(file, { force: true });
	}
	return id;
}
