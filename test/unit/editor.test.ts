/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INode, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';
import { VisionatrixTrigger } from '../../nodes/VisionatrixTrigger/VisionatrixTrigger.node';
import { HarnessNodeTypes } from '../harness';

const NODE_TYPE = 'n8n-nodes-visionatrix.visionatrix';

/** What the editor shows before anything runs: the node panel's codex, the canvas subtitle, notices. */

const codex = JSON.parse(
	readFileSync(join(__dirname, '../../nodes/Visionatrix/Visionatrix.node.json'), 'utf8'),
) as {
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias: string[];
};

describe('the node panel finds the node', () => {
	it("is kept by n8n's search: an AI node that is a root node, as n8n's OpenAI and Gemini nodes declare", () => {
		// n8n 2.41's node creator (filterOutAiNodes) drops an `AI` node from search on a canvas with no
		// AI nodes unless its AI subcategories hold "Root Nodes". The browser suite checks the panel itself.
		expect(codex.categories).toContain('AI');
		expect(codex.subcategories?.AI).toEqual(['Agents', 'Miscellaneous', 'Root Nodes']);
	});

	it("lists only categories n8n has ('Marketing & Content', not 'Marketing')", () => {
		expect(codex.categories).toEqual(['AI', 'Marketing & Content']);
	});

	it('is found by what people type for it: image generation, generate image, sdxl, flux, upscale', () => {
		// The panel searches the display name and the codex aliases (the browser suite types these).
		const aliases = codex.alias.map((a) => a.toLowerCase());
		for (const term of ['image generation', 'generate image', 'sdxl', 'flux', 'upscale'])
			expect(aliases.some((alias) => alias.includes(term))).toBe(true);
	});

	it("shows the node's description for the app: the panel's one entry takes the trigger's", () => {
		// n8n's editor lists a node and its trigger as one entry with the trigger's description
		// (generateMergedNodesAndActions): it must open with what the app does.
		const node = new Visionatrix().description.description;
		expect(new VisionatrixTrigger().description.description.startsWith(node)).toBe(true);
	});
});

describe('the canvas subtitle', () => {
	const type = new Visionatrix();
	const { description } = type;
	const nodeTypes = new HarnessNodeTypes({ [NODE_TYPE]: type });
	/** The subtitle as the editor computes it for a node with these parameters. */
	const subtitle = (parameters: INodeParameters) => {
		const node: INode = {
			id: 'n1',
			name: 'Visionatrix',
			type: NODE_TYPE,
			typeVersion: 1.1,
			position: [0, 0],
			parameters,
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(
			node,
			String(description.subtitle),
			'internal',
			{},
		);
	};
	const flow = (value: string, mode = 'list') => ({ __rl: true, mode, value });

	it("names every operation as the Operation field does, e.g. 'Task: Wait for Completion'", () => {
		const resources = (
			description.properties.find((p) => p.name === 'resource')!.options as INodePropertyOptions[]
		).map((o) => [o.value, o.name]);
		for (const [resource, resourceName] of resources) {
			const operation = description.properties.find(
				(p: INodeProperties) =>
					p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
			)!;
			for (const option of operation.options as INodePropertyOptions[])
				expect(subtitle({ resource, operation: option.value })).toBe(
					`${resourceName}: ${option.name}`,
				);
		}
		expect(subtitle({ resource: 'task', operation: 'waitForCompletion' })).toBe(
			'Task: Wait for Completion',
		);
	});

	it('names the flow of a Create, so two Create nodes tell apart: "Create: sdxl_lighting"', () => {
		const create = (value: unknown) =>
			subtitle({ resource: 'task', operation: 'create', flow: value as INodeParameters });
		expect(create(flow('sdxl_lighting'))).toBe('Create: sdxl_lighting');
		expect(create(flow('remove_background_birefnet', 'name'))).toBe(
			'Create: remove_background_birefnet',
		);
		// No flow yet, or one given by an expression: the operation only.
		expect(create(flow(''))).toBe('Task: Create');
		expect(create(flow('={{ $json.flow }}', 'name'))).toBe('Task: Create');
	});
});

describe('the file input notice', () => {
	const notice = new Visionatrix().description.properties.find(
		(p) => p.name === 'fileInputNotice',
	)!;
	const shown = (parameters: INodeParameters) =>
		NodeHelpers.displayParameter(parameters, notice, null, null);
	const create = { resource: 'task', operation: 'create' };

	it("shows once the picked flow's inputs are there, not before a flow is picked", () => {
		expect(shown({ ...create, flowInputs: { mappingMode: 'defineBelow', value: null } })).toBe(
			false,
		);
		expect(
			shown({ ...create, flowInputs: { mappingMode: 'defineBelow', value: {}, schema: [] } }),
		).toBe(false);
		const schema = [{ id: 'input_image', displayName: 'Input image (File)', required: true }];
		expect(
			shown({ ...create, flowInputs: { mappingMode: 'defineBelow', value: {}, schema } }),
		).toBe(true);
	});
});

describe('the credential', () => {
	const { properties } = new VisionatrixApi();
	const baseUrl = properties.find((p) => p.name === 'baseUrl')!;
	const dockerNotice = properties.find((p) => p.name === 'dockerNotice')!;

	it('has no Base URL until one is given: an example address is only the placeholder', () => {
		expect(baseUrl.default).toBe('');
		expect(baseUrl.placeholder).toMatch(/^e\.g\. http:\/\//);
	});

	it('tells about n8n in Docker only for a loopback Base URL, where it is the likely mistake', () => {
		const shown = (url: string) =>
			NodeHelpers.displayParameter({ baseUrl: url }, dockerNotice, null, null);
		for (const url of ['http://localhost:8288', '127.0.0.1:8288', 'http://[::1]:8288'])
			expect(shown(url)).toBe(true);
		for (const url of ['', 'http://192.168.1.20:8288', 'http://host.docker.internal:8288'])
			expect(shown(url)).toBe(false);
		expect(dockerNotice.displayName).toContain('http://host.docker.internal:8288');
		expect(baseUrl.hint).toBeUndefined();
	});
});

describe('Wait for Completion', () => {
	const { description } = new Visionatrix();
	const forOperation = (operation: string) =>
		description.properties.filter(
			(p) =>
				p.displayOptions?.show?.operation?.includes(operation) &&
				p.displayOptions?.show?.resource?.includes('task'),
		);

	it("says its Task ID comes from Create, and On Webhook's first words are the resume URL to give", () => {
		const taskId = forOperation('waitForCompletion').find((p) => p.name === 'taskId')!;
		expect(taskId.description).toContain('Create outputs it');
		const options = forOperation('waitForCompletion').find((p) => p.name === 'options')!
			.options as INodeProperties[];
		const onWebhook = (
			options.find((o) => o.name === 'waitMode')!.options as INodePropertyOptions[]
		).find((o) => o.value === 'webhook')!;
		expect(onWebhook.description).toMatch(
			/^Create the tasks with Webhook URL \{\{ \$execution\.resumeUrl \}\}/,
		);
		expect(options.find((o) => o.name === 'fallbackInterval')!.displayOptions).toEqual({
			show: { waitMode: ['webhook'] },
		});
	});
});
