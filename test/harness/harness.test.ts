/* eslint-disable
	@n8n/community-nodes/require-node-api-error,
	@n8n/community-nodes/node-usable-as-tool
	-- test code, run by Node.js and never shipped */
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import {
	type BinaryDataMode,
	SET_BINARY_TYPE,
	TRIGGER_NODE_NAME,
	defineCodeNode,
	runWorkflow,
	startWorkflow,
} from './index';
import nock from 'nock';

const HOST = 'http://thing.test';
const basicHeader = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

// ---- credential types: one with a generic block, one with a function -------------------------

const baseUrlProperty: INodeProperties = {
	displayName: 'Base URL',
	name: 'baseUrl',
	type: 'string',
	default: HOST,
};

class ThingBasicApi implements ICredentialType {
	name = 'thingBasicApi';
	displayName = 'Thing (Basic)';
	properties: INodeProperties[] = [
		baseUrlProperty,
		{ displayName: 'Username', name: 'username', type: 'string', default: '' },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.username}}', password: '={{$credentials.password}}' },
			headers: { 'X-Client': '=thing-{{$credentials.username}}' },
		},
	};
}

class ThingTokenApi implements ICredentialType {
	name = 'thingTokenApi';
	displayName = 'Thing (Token)';
	properties: INodeProperties[] = [
		baseUrlProperty,
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	) {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${credentials.token as string}`,
			},
		};
	}
}

// ---- a declarative node: GET /thing/{{$parameter.id}} ----------------------------------------

class Thing implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Thing',
		name: 'thing',
		group: ['transform'],
		version: 1,
		description: 'Declarative test node',
		defaults: { name: 'Thing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'thingBasicApi',
				required: true,
				displayOptions: { show: { authentication: ['basic'] } },
			},
			{
				name: 'thingTokenApi',
				required: true,
				displayOptions: { show: { authentication: ['token'] } },
			},
		],
		requestDefaults: {
			baseURL: '={{$credentials.baseUrl}}',
			headers: { Accept: 'application/json' },
		},
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Basic', value: 'basic' },
					{ name: 'Token', value: 'token' },
				],
				default: 'basic',
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				required: true,
				default: '',
				routing: { request: { method: 'GET', url: '=/thing/{{$parameter.id}}' } },
			},
		],
	};
}

// ---- a programmatic node: downloads /file/{id} and reads its input binary ----------------------

class FetchFile implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fetch File',
		name: 'fetchFile',
		group: ['transform'],
		version: 1,
		description: 'Programmatic test node',
		defaults: { name: 'Fetch File' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'thingBasicApi', required: true }],
		properties: [{ displayName: 'ID', name: 'id', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const { baseUrl } = await this.getCredentials('thingBasicApi');
		const output: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const id = this.getNodeParameter('id', i) as string;
				const input = items[i].binary?.data;
				const inputInfo: Record<string, unknown> = {};
				if (input) {
					inputInfo.inputText = (await this.helpers.getBinaryDataBuffer(i, 'data')).toString();
					if (input.id) {
						const stream = await this.helpers.getBinaryStream(input.id);
						inputInfo.streamedText = (await this.helpers.binaryToBuffer(stream)).toString();
					}
				}
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'thingBasicApi',
					{
						method: 'GET',
						url: `${baseUrl as string}/file/${id}`,
						encoding: 'arraybuffer',
						json: false,
					},
				)) as ArrayBuffer;
				const binary = await this.helpers.prepareBinaryData(
					Buffer.from(response),
					`${id}.png`,
					'image/png',
				);
				output.push({
					json: {
						id,
						...inputInfo,
						hasCancelSignal: this.getExecutionCancelSignal() instanceof AbortSignal,
					},
					binary: { data: binary },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					output.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [output];
	}
}

// ---- a declarative node with a customOperation next to a routed operation ----------------------

class ThingOps implements INodeType {
	description: INodeTypeDescription = {
		...new Thing().description,
		displayName: 'Thing Ops',
		name: 'thingOps',
		credentials: [{ name: 'thingBasicApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				options: [{ name: 'Thing', value: 'thing' }],
				default: 'thing',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				options: [
					{
						name: 'Get',
						value: 'get',
						routing: { request: { method: 'GET', url: '=/thing/{{$json.n}}' } },
					},
					{ name: 'Summarise', value: 'summarise' },
				],
				default: 'get',
			},
		],
	};

	customOperations = {
		thing: {
			async summarise(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const items = this.getInputData();
				return [
					[
						{
							json: {
								count: items.length,
								hasCancelSignal: this.getExecutionCancelSignal() instanceof AbortSignal,
							},
						},
					],
				];
			},
		},
	};
}

const nodeTypes = {
	'test.thing': new Thing(),
	'test.thingOps': new ThingOps(),
	'test.fetchFile': new FetchFile(),
};
const credentialTypes = [new ThingBasicApi(), new ThingTokenApi()];
const basicCredentials = { thingBasicApi: { baseUrl: HOST, username: 'ada', password: 's3cret' } };

/** Headers of the last request the scope intercepted. */
function lastRequestHeaders(scope: nock.Scope): { get(name: string): string | null } {
	let last: Record<string, unknown> | undefined;
	scope.on('request', (request: { headers: Record<string, unknown> }) => {
		last = request.headers;
	});
	return { get: (name) => (last?.[name.toLowerCase()] as string | undefined) ?? null };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
	nock.abortPendingRequests();
	nock.cleanAll();
});
afterAll(() => {
	nock.enableNetConnect();
	nock.restore();
});

describe('declarative node through the routing engine', () => {
	test('generic Basic auth block is resolved and sent; output is the response', async () => {
		const scope = nock(HOST).get('/thing/42').reply(200, { id: 42, name: 'answer' });
		const headers = lastRequestHeaders(scope);

		const result = await runWorkflow({
			nodes: [{ name: 'Thing', type: 'test.thing', parameters: { id: '42' } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(scope.isDone()).toBe(true);
		expect(headers.get('authorization')).toBe(basicHeader('ada', 's3cret'));
		expect(headers.get('x-client')).toBe('thing-ada');
		expect(headers.get('accept')).toBe('application/json');
		expect(result.outputOf('Thing').map((item) => item.json)).toEqual([{ id: 42, name: 'answer' }]);
		expect(result.executedNodes).toEqual([TRIGGER_NODE_NAME, 'Thing']);
	});

	test('function authenticate on the credential type is called', async () => {
		const scope = nock(HOST)
			.get('/thing/7')
			.matchHeader('authorization', 'Bearer tok-123')
			.reply(200, { id: 7 });

		const result = await runWorkflow({
			nodes: [
				{ name: 'Thing', type: 'test.thing', parameters: { authentication: 'token', id: '7' } },
			],
			nodeTypes,
			credentialTypes,
			credentials: { thingTokenApi: { baseUrl: HOST, token: 'tok-123' } },
		});

		expect(result.status).toBe('success');
		expect(scope.isDone()).toBe(true);
		expect(result.outputOf('Thing')[0].json).toEqual({ id: 7 });
	});

	test('expressions in parameters resolve per item, and all items are requested concurrently', async () => {
		let inFlight = 0;
		let peak = 0;
		for (const n of [1, 2, 3]) {
			nock(HOST)
				.get(`/thing/${n}`)
				.delay(1000)
				.reply(200, { path: `/thing/${n}` })
				.on('request', () => (peak = Math.max(peak, ++inFlight)))
				.on('replied', () => inFlight--);
		}

		const result = await runWorkflow({
			nodes: [{ name: 'Thing', type: 'test.thing', parameters: { id: '={{ $json.n }}' } }],
			inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
		});

		expect(result.status).toBe('success');
		expect(result.outputOf('Thing').map((item) => item.json.path)).toEqual([
			'/thing/1',
			'/thing/2',
			'/thing/3',
		]);
		// All three requests were out before the first (delayed) answer came: items run in parallel.
		expect(peak).toBe(3);
	});

	test('an HTTP error fails the execution with the node error', async () => {
		nock(HOST).get('/thing/1').reply(500, { message: 'boom' });

		const result = await runWorkflow({
			nodes: [{ name: 'Thing', type: 'test.thing', parameters: { id: '1' } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('500');
	});

	test('continueOnFail turns the failure into an error item and the run succeeds', async () => {
		nock(HOST).get('/thing/1').reply(404, { message: 'nope' });
		nock(HOST).get('/thing/2').reply(200, { id: 2 });

		const result = await runWorkflow({
			nodes: [
				{
					name: 'Thing',
					type: 'test.thing',
					parameters: { id: '={{ $json.n }}' },
					continueOnFail: true,
				},
			],
			inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
		});

		expect(result.status).toBe('success');
		const [failed, ok] = result.outputOf('Thing');
		expect(failed.json.error).toEqual(expect.any(String));
		expect(failed.error).toBeInstanceOf(NodeApiError);
		expect(ok.json).toEqual({ id: 2 });
	});

	test('customOperations run once over all items; the other operations still route', async () => {
		nock(HOST).get('/thing/1').reply(200, { id: 1 });
		nock(HOST).get('/thing/2').reply(200, { id: 2 });

		const result = await runWorkflow({
			nodes: [
				{ name: 'Get', type: 'test.thingOps', parameters: { operation: 'get' } },
				{ name: 'Summarise', type: 'test.thingOps', parameters: { operation: 'summarise' } },
			],
			inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
		});

		expect(result.error).toBeUndefined();
		expect(result.outputOf('Get').map((item) => item.json)).toEqual([{ id: 1 }, { id: 2 }]);
		expect(result.outputOf('Summarise').map((item) => item.json)).toEqual([
			{ count: 2, hasCancelSignal: true },
		]);
	});

	test('a missing required parameter is reported as a workflow issue', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Thing', type: 'test.thing', parameters: {} }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
		});
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('WorkflowHasIssuesError');
	});
});

describe.each<BinaryDataMode>(['default', 'filesystem'])(
	'binary data in %s mode',
	(binaryDataMode) => {
		test('input binaries, prepareBinaryData, getBinaryDataBuffer, getBinaryStream, binaryToBuffer', async () => {
			const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
			const headers = lastRequestHeaders(
				nock(HOST).get('/file/img').reply(200, png, { 'Content-Type': 'image/png' }),
			);

			const result = await runWorkflow({
				binaryDataMode,
				nodes: [
					{
						name: 'Attach',
						type: SET_BINARY_TYPE,
						parameters: { text: 'from set-binary', fileName: 'a.txt', mimeType: 'text/plain' },
					},
					{ name: 'Fetch', type: 'test.fetchFile', parameters: { id: 'img' } },
				],
				inputItems: [
					{
						json: { n: 1 },
						binary: {
							original: {
								data: Buffer.from('from trigger').toString('base64'),
								mimeType: 'text/plain',
								fileName: 'in.txt',
							},
						},
					},
				],
				nodeTypes,
				credentialTypes,
				credentials: basicCredentials,
			});

			expect(result.error).toBeUndefined();
			expect(headers.get('authorization')).toBe(basicHeader('ada', 's3cret'));
			expect((await result.binaryOf(TRIGGER_NODE_NAME, 0, 'original')).toString()).toBe(
				'from trigger',
			);
			expect((await result.binaryOf('Attach', 0)).toString()).toBe('from set-binary');

			const [item] = result.outputOf('Fetch');
			expect(item.json).toMatchObject({
				id: 'img',
				inputText: 'from set-binary',
				hasCancelSignal: true,
			});
			expect(await result.binaryOf('Fetch', 0)).toEqual(png);
			expect(item.binary?.data).toMatchObject({
				mimeType: 'image/png',
				fileName: 'img.png',
				bytes: png.length,
			});

			if (binaryDataMode === 'filesystem') {
				expect(item.json.streamedText).toBe('from set-binary');
				expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
				expect(item.binary?.data.data).toBe('filesystem-v2');
			} else {
				expect(item.binary?.data.id).toBeUndefined();
				expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(png);
			}
		});
	},
);

describe('programmatic node errors', () => {
	test('a thrown error fails the run; continueOnFail yields an error item instead', async () => {
		nock(HOST).get('/file/x').times(2).reply(403, 'forbidden');
		const run = (continueOnFail: boolean) =>
			runWorkflow({
				nodes: [{ name: 'Fetch', type: 'test.fetchFile', parameters: { id: 'x' }, continueOnFail }],
				nodeTypes,
				credentialTypes,
				credentials: basicCredentials,
			});

		const failed = await run(false);
		expect(failed.status).toBe('error');
		expect(failed.error).toBeInstanceOf(NodeApiError);

		const continued = await run(true);
		expect(continued.status).toBe('success');
		expect(continued.outputOf('Fetch')).toEqual([
			{ json: { error: 'Forbidden - perhaps check your credentials?' }, pairedItem: { item: 0 } },
		]);
	});

	test('engine quirk: a node that throws despite continueOnFail passes its input through', async () => {
		// n8n-core's handleNodeExecutionError: with onError "continue", a thrown error makes the node's
		// output its input items (no error item). The run's status is then "error" only if that node was
		// the last one to run, because the engine resets its error variable when the next node starts.
		const throwing = {
			't.throw': defineCodeNode(() => Promise.reject(new Error('whole node failed'))),
			't.pass': defineCodeNode((items) => items),
		};
		const last = await runWorkflow({
			nodes: [{ name: 'Throw', type: 't.throw', parameters: {}, continueOnFail: true }],
			inputItems: [{ json: { a: 1 } }],
			nodeTypes: throwing,
		});
		expect(last.outputOf('Throw')).toEqual([{ json: { a: 1 }, pairedItem: { item: 0 } }]);
		expect(last.status).toBe('error');
		expect(last.error?.message).toBe('whole node failed');

		const notLast = await runWorkflow({
			nodes: [
				{ name: 'Throw', type: 't.throw', parameters: {}, continueOnFail: true },
				{ name: 'Next', type: 't.pass', parameters: {} },
			],
			inputItems: [{ json: { a: 1 } }],
			nodeTypes: throwing,
		});
		expect(notLast.status).toBe('success');
		expect(notLast.runData.Throw[0].executionStatus).toBe('error');
	});
});

describe('cancellation', () => {
	test('cancel() aborts an in-flight declarative request through the execution cancel signal', async () => {
		let requested!: () => void;
		const requestSeen = new Promise<void>((resolve) => (requested = resolve));
		nock(HOST)
			.get('/thing/slow')
			.delay(10_000)
			.reply(200, { late: true })
			.on('request', () => requested());

		const handle = startWorkflow({
			nodes: [{ name: 'Thing', type: 'test.thing', parameters: { id: 'slow' } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
			timeoutMs: 20_000,
		});
		await requestSeen;
		handle.cancel();
		const result = await handle.result;

		// The engine aborted the signal; axios rejected; the routing engine threw; the run is "canceled"
		// because that error's message says so.
		expect(result.status).toBe('canceled');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('ERR_CANCELED');
		expect(result.runData.Thing[0].executionStatus).toBe('error');
	});

	test('an AbortSignal in RunOptions cancels a programmatic node mid-request', async () => {
		const controller = new AbortController();
		nock(HOST)
			.get('/file/slow')
			.delay(10_000)
			.reply(200, 'late')
			.on('request', () => controller.abort());

		const result = await runWorkflow({
			nodes: [{ name: 'Fetch', type: 'test.fetchFile', parameters: { id: 'slow' } }],
			nodeTypes,
			credentialTypes,
			credentials: basicCredentials,
			signal: controller.signal,
		});

		// The answer was 10 s away: a run that ended as 'canceled' was stopped, not answered.
		expect(result.status).toBe('canceled');
	});

	test('timeoutMs cancels a run that takes too long and rejects', async () => {
		nock(HOST).get('/thing/slow').delay(10_000).reply(200, {});
		await expect(
			runWorkflow({
				nodes: [{ name: 'Thing', type: 'test.thing', parameters: { id: 'slow' } }],
				nodeTypes,
				credentialTypes,
				credentials: basicCredentials,
				timeoutMs: 300,
			}),
		).rejects.toThrow(/did not finish within 300 ms/);
	});
});
