/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** The workflows in examples/, made runnable against a given credential and output folder. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { newWorkflowId, type WorkflowExport } from './import';
import { CREDENTIAL_TYPE, PACKAGE_NAME, repoRoot } from './repo';

/**
 * The folder the example workflows write to: n8n 2.x's default allowed folder (`~/.n8n-files`) in
 * the official Docker image. Replaced by the actual output folder before import here.
 */
export const EXAMPLE_OUTPUT_DIR = '/home/node/.n8n-files';

export function loadExample(file: string): WorkflowExport {
	const path = resolve(repoRoot(), 'examples', file);
	return JSON.parse(readFileSync(path, 'utf8')) as WorkflowExport;
}

/**
 * Makes an example runnable here: points its Visionatrix nodes at the given credential, rewrites the
 * output folder in every parameter that mentions it, and gives it a fresh (or the given) id.
 */
export function prepareWorkflow(
	workflow: WorkflowExport,
	options: {
		credential?: { id: string; name: string };
		outputDir?: string;
		name?: string;
		id?: string;
	},
): WorkflowExport {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowExport;
	copy.id = options.id ?? newWorkflowId();
	if (options.name) copy.name = options.name;
	for (const node of copy.nodes) {
		if (options.credential && node.type.startsWith(`${PACKAGE_NAME}.`)) {
			node.credentials = {
				[CREDENTIAL_TYPE]: { id: options.credential.id, name: options.credential.name },
			};
		}
		// Sticky notes keep the documented path; only real parameters are rewritten.
		if (options.outputDir && node.type !== 'n8n-nodes-base.stickyNote') {
			const out = options.outputDir.replace(/\/+$/, '');
			node.parameters = JSON.parse(
				JSON.stringify(node.parameters).split(EXAMPLE_OUTPUT_DIR).join(out),
			) as Record<string, unknown>;
		}
	}
	return copy;
}
