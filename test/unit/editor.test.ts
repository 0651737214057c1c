/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';

/** What the editor shows before anything runs: the node panel's codex and the canvas subtitle. */

const codex = JSON.parse(
	readFileSync(join(__dirname, '../../nodes/Visionatrix/Visionatrix.node.json'), 'utf8'),
) as {
	categories: string[];
	subcategories?: Record<string, string[]>;
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
});

describe('the canvas subtitle', () => {
	const { description } = new Visionatrix();
	// The subtitle is one lookup `{ "resource.operation": "Resource: Operation" }[...]`.
	const lookup = JSON.parse(/^=\{\{ (\{.*\})\[/.exec(String(description.subtitle))![1]) as Record<
		string,
		string
	>;

	it("names every operation as the Operation field does, e.g. 'Task: Wait for Completion'", () => {
		const resources = (
			description.properties.find((p) => p.name === 'resource')!.options as INodePropertyOptions[]
		).map((o) => [o.value, o.name]);
		const expected: Record<string, string> = {};
		for (const [resource, resourceName] of resources) {
			const operation = description.properties.find(
				(p: INodeProperties) =>
					p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
			)!;
			for (const option of operation.options as INodePropertyOptions[])
				expected[`${resource}.${option.value}`] = `${resourceName}: ${option.name}`;
		}
		expect(lookup).toEqual(expected);
		expect(lookup['task.waitForCompletion']).toBe('Task: Wait for Completion');
	});
});

describe('the credential', () => {
	const baseUrl = new VisionatrixApi().properties.find((p) => p.name === 'baseUrl')!;

	it('has no Base URL until one is given: an example address is only the placeholder', () => {
		expect(baseUrl.default).toBe('');
		expect(baseUrl.placeholder).toMatch(/^e\.g\. http:\/\//);
		expect(baseUrl.hint).toContain('host.docker.internal');
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
