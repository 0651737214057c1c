/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** The workflows in examples/, made runnable against a given credential and output folder. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { newWorkflowId, type WorkflowExport } from './import';
import { CREDENTIAL_TYPE, PACKAGE_NAME, repoRoot } from './repo';

/**
 * The node of an example that says where its files go (a Set node with one field, `folder`), and
 * the folder it gives as imported: relative, so n8n resolves it in its working directory, the home
 * folder in Docker (and for `n8n` started from a terminal): n8n 2.x's own `~/.n8n-files`.
 */
export const OUTPUT_FOLDER_NODE = 'Output Folder';
export const EXAMPLE_OUTPUT_DIR = '.n8n-files';

export function loadExample(file: string): WorkflowExport {
	const path = resolve(repoRoot(), 'examples', file);
	return JSON.parse(readFileSync(path, 'utf8')) as WorkflowExport;
}

/**
 * Makes an example runnable here: points its Visionatrix nodes at the given credential, sets its
 * Output Folder to the given folder, and gives it a fresh (or the given) id.
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
		if (options.outputDir && node.name === OUTPUT_FOLDER_NODE) {
			const { assignments } = node.parameters.assignments as {
				assignments: Array<{ name: string; value: unknown }>;
			};
			assignments.find((field) => field.name === 'folder')!.value = options.outputDir.replace(
				/\/+$/,
				'',
			);
		}
	}
	return copy;
}
