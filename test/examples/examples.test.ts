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
