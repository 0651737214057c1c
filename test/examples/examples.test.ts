/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WorkflowExport } from '../n8n';
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { CURRENT_VERSION, exampleAsStored, fieldsFrom, NODE_TYPE } from './stored';

/**
 * The examples hold what the editor would store for them today: inputs as the current resource
 * mapper describes them (the server's defaults filled in), no stale option, the current node
 * version. `UPDATE_EXAMPLES=1` rewrites them so (then review the diff).
 */

const EXAMPLES = join(__dirname, '../../examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
const read = (file: string) =>
	JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as WorkflowExport;

let emulator: VisionatrixEmulator;
beforeAll(async () => {
	emulator = await startEmulator({ auth: false });
});
afterAll(async () => await emulator.stop());

describe.each(files)('examples/%s', (file) => {
	it('is what the editor would store for it today', async () => {
		const example = read(file);
		const stored = await exampleAsStored(example, fieldsFrom(emulator.url));
		if (process.env.UPDATE_EXAMPLES === '1')
			writeFileSync(join(EXAMPLES, file), `${JSON.stringify(stored, null, 2)}\n`);
		expect(example).toEqual(stored);
	});
});

// A trigger-only example (task-finished-trigger.json) holds no Visionatrix action node.
const withActionNode = files.filter((file) => read(file).nodes.some((n) => n.type === NODE_TYPE));

it.each(withActionNode)('examples/%s uses the current version of the Visionatrix node', (file) => {
	const versions = read(file)
		.nodes.filter((n) => n.type === NODE_TYPE)
		.map((n) => n.typeVersion);
	expect(new Set(versions)).toEqual(new Set([CURRENT_VERSION]));
});

describe('the flagship example', () => {
	it('generates and removes the background with one Visionatrix node per flow, each outputting its files', () => {
		const vix = read('generate-and-remove-background.json').nodes.filter(
			(n) => n.type === NODE_TYPE,
		);
		expect(vix.map((n) => [n.parameters.operation, n.parameters.output ?? 'files'])).toEqual([
			['create', 'files'],
			['create', 'files'],
		]);
	});

	it('keeps the three steps apart in its step-by-step twin: Create, Wait for Completion, Get Results', () => {
		const vix = read('generate-and-remove-background-step-by-step.json').nodes.filter(
			(n) => n.type === NODE_TYPE,
		);
		expect(vix.map((n) => n.parameters.operation)).toEqual([
			'create',
			'waitForCompletion',
			'getResults',
			'create',
			'waitForCompletion',
			'getResults',
		]);
		expect(
			vix.filter((n) => n.parameters.operation === 'create').map((n) => n.parameters.output),
		).toEqual(['taskIds', 'taskIds']);
	});
});

describe('the examples that save files', () => {
	const saving = files.filter((file) =>
		read(file).nodes.some((n) => n.type === 'n8n-nodes-base.readWriteFile'),
	);
	const FOLDER = "={{ $('Output Folder').first().json.folder }}/";
	type Outputs = { main: Array<Array<{ node: string; type: string; index: number }>> };
	const outputsOf = (workflow: WorkflowExport, node: string) =>
		(workflow.connections as Record<string, Outputs>)[node].main;

	it('are the five that produce files', () => {
		expect(saving.sort()).toEqual([
			'chain-flows-by-reference.json',
			'generate-and-remove-background-step-by-step.json',
			'generate-and-remove-background.json',
			'task-finished-trigger.json',
			'webhook-wait.json',
		]);
	});

	it.each(saving)(
		'%s: saves into the one folder its Output Folder node sets, n8n-relative .n8n-files as imported',
		(file) => {
			const workflow = read(file);
			const trigger = workflow.nodes[0];
			const next = outputsOf(workflow, trigger.name)[0].map((c) => c.node);
			expect(next).toEqual(['Output Folder']);
			const folder = workflow.nodes.find((n) => n.name === 'Output Folder')!;
			// The item goes on as it came (a Webhook's body, a trigger's file), the folder beside it.
			expect(folder.parameters).toMatchObject({
				includeOtherFields: true,
				assignments: { assignments: [{ name: 'folder', value: '.n8n-files', type: 'string' }] },
			});
			for (const save of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.readWriteFile'))
				expect(String(save.parameters.fileName).startsWith(FOLDER)).toBe(true);
			expect(JSON.stringify(workflow)).not.toContain('/home/node/.n8n-files/');
		},
	);

	it.each(saving)('%s: its note names the Output Folder first, and how to create it', (file) => {
		const note = read(file).nodes.find((n) => n.type === 'n8n-nodes-base.stickyNote')!;
		const [, firstParagraph] = String(note.parameters.content).split('\n');
		expect(firstParagraph).toMatch(/^\*\*Output Folder\*\*/);
		expect(firstParagraph).toContain('mkdir ~/.n8n-files');
		expect(firstParagraph).toContain(
			'docker exec -u node <container> mkdir -p /home/node/.n8n-files',
		);
	});

	it('the flagship sends a failed save to one error that says to create the folder', () => {
		const flagship = read('generate-and-remove-background.json');
		const saves = flagship.nodes.filter((n) => n.type === 'n8n-nodes-base.readWriteFile');
		for (const save of saves) {
			expect(save.onError).toBe('continueErrorOutput');
			expect(outputsOf(flagship, save.name)[1]).toEqual([
				{ node: 'Cannot Save', type: 'main', index: 0 },
			]);
		}
		const stop = flagship.nodes.find((n) => n.name === 'Cannot Save')!;
		expect(stop.type).toBe('n8n-nodes-base.stopAndError');
		expect(stop.parameters.errorMessage).toContain('create it (mkdir ~/.n8n-files');
	});
});
