import { RoutingNode } from 'n8n-core';
import type { IExecuteFunctions, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { VisionatrixApi } from '../../credentials/VisionatrixApi.credentials';
import { startEmulator, type VisionatrixEmulator } from '../emulator';
import { runWorkflow } from '../harness';
import { freePort } from '../n8n/free-port';

/**
 * The credential's test as n8n 2.41 runs it (CredentialsTester.runRequestTest in n8n's
 * dist/services/credentials-tester.service.js): the test request as the routing of a node's only
 * property, through n8n-core's RoutingNode with the credential's `authenticate`; then the message
 * the credential modal shows: a matching `rules` message for an HTTP answer, else the answer's
 * status text, the network error's code when there was no answer, else the error's message.
 */

const TEST_NODE = 'n8n-nodes-visionatrix.credentialTest';
const credential = new VisionatrixApi();

interface TestFailure {
	message: string;
	cause?: { code?: string; response?: { status: number; statusText?: string } };
}

/** The message the credential modal shows for the error the test request ended with. */
function testerMessage(error: TestFailure): string {
	const response = error.cause?.response;
	if (response) {
		const rule = credential.test.rules?.find(
			(r) => r.type === 'responseCode' && r.properties.value === response.status,
		);
		if (rule?.type === 'responseCode') return rule.properties.message;
		return response.statusText || `Received HTTP status code: ${response.status}`;
	}
	return error.cause?.code ?? error.message;
}

/** The node n8n's tester builds, run by RoutingNode as the tester runs it; outputs the modal's message. */
const credentialTestNode: INodeType = {
	description: {
		displayName: 'Credential Test',
		name: 'credentialTest',
		group: ['transform'],
		version: 1,
		description: "The node n8n's credential tester builds",
		defaults: { name: 'Credential Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: credential.name, required: true }],
		properties: [
			{
				displayName: 'Temp',
				name: 'temp',
				type: 'string',
				default: '',
				routing: { request: credential.test.request },
			},
		],
	},
	async execute(this: IExecuteFunctions) {
		const routing = new RoutingNode(this as ConstructorParameters<typeof RoutingNode>[0], {
			description: credentialTestNode.description,
		});
		try {
			await routing.runNode();
			return [[{ json: { message: 'Connection tested successfully' } }]];
		} catch (error) {
			return [[{ json: { message: testerMessage(error as TestFailure) } }]];
		}
	},
};

/** What the credential modal shows after a test with these settings. */
async function testMessage(settings: {
	baseUrl: string;
	apiVersion?: 'current' | 'legacy';
	password?: string;
}): Promise<string> {
	const result = await runWorkflow({
		nodes: [{ name: 'Test', type: TEST_NODE, parameters: {} }],
		nodeTypes: { [TEST_NODE]: credentialTestNode },
		credentialTypes: [credential],
		credentials: {
			[credential.name]: {
				apiVersion: 'current',
				username: 'admin',
				password: 'admin',
				...settings,
			},
		},
	});
	return String(result.outputOf('Test')[0].json.message);
}

let emulator: VisionatrixEmulator;

beforeAll(async () => {
	emulator = await startEmulator({ auth: true });
});
afterAll(async () => await emulator.stop());

describe('the credential test says what to fix', () => {
	it('passes with the right settings', async () => {
		expect(await testMessage({ baseUrl: emulator.url })).toBe('Connection tested successfully');
	});

	it('a wrong password: check the Username and Password', async () => {
		expect(await testMessage({ baseUrl: emulator.url, password: 'wrong' })).toMatch(
			/^Visionatrix refused the Username and Password \(401\)\. Check both/,
		);
	});

	it('Legacy against a current server: choose the API Version that fits the server', async () => {
		expect(await testMessage({ baseUrl: emulator.url, apiVersion: 'legacy' })).toMatch(
			/^The server answered 404: it has no Visionatrix API for the chosen API Version\. Choose Current for Visionatrix 1\.7 and later, Legacy for 1\.6 and earlier/,
		);
	});

	it('a Base URL ending in /vapi: leave the API path out, before anything is sent', async () => {
		const sent = emulator.requests.length;
		expect(await testMessage({ baseUrl: `${emulator.url}/vapi` })).toBe(
			`The Base URL '${emulator.url}/vapi' of the Visionatrix credential has an API path or query in it. Set it to ${emulator.url} (plus the sub-path of a reverse proxy, if any) and choose the API Version: the node adds /vapi or /api itself.`,
		);
		expect(emulator.requests.length).toBe(sent);
	});

	it('a Base URL without http:// (n8n would say ERR_INVALID_URL): write the scheme', async () => {
		const address = emulator.url.replace(/^http:\/\//, '');
		expect(await testMessage({ baseUrl: address })).toBe(
			`The Base URL '${address}' of the Visionatrix credential has no http:// or https://. Write it with its scheme, for example http://${address}.`,
		);
	});

	it("a server that does not answer: n8n shows the network error's code, whatever the credential declares", async () => {
		// n8n's tester returns `error.cause.code` for a request without an answer: no rule applies.
		expect(await testMessage({ baseUrl: `http://127.0.0.1:${await freePort()}` })).toBe(
			'ECONNREFUSED',
		);
	});
});
