/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	no-console
	-- a developer script, run by Node.js and never shipped */
/**
 * Checks the cached n8n install on its own (no Visionatrix node): runs Manual Trigger → Edit Fields
 * headlessly and prints the output. `node scripts/node24.js .cache/tools/scripts/n8n-smoke.js`
 */
import { nodeOutput, runWorkflowOnce } from '../test/n8n';

async function main(): Promise<void> {
	const started = Date.now();
	const { run, timings } = await runWorkflowOnce({
		linkPackage: false,
		workflow: {
			name: 'n8n smoke test',
			nodes: [
				{
					id: '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f20',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c21',
					name: 'Set',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [224, 0],
					parameters: {
						mode: 'manual',
						assignments: {
							assignments: [
								{ id: 'f1', name: 'hello', type: 'string', value: 'world' },
								{ id: 'f2', name: 'sum', type: 'number', value: '={{ 20 + 22 }}' },
							],
						},
						options: {},
					},
				},
			],
			connections: { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
	});
	const items = nodeOutput(run, 'Set');
	console.log(JSON.stringify(items.map((i) => i.json)));
	if (items[0]?.json.hello !== 'world' || items[0]?.json.sum !== 42)
		throw new Error('unexpected output');
	console.log(
		`n8n smoke test passed (import ${timings.importMs} ms, execute ${timings.executeMs} ms, total ${Date.now() - started} ms)`,
	);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
