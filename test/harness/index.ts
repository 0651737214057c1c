/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
/**
 * Runs a real n8n workflow in-process through n8n-core's execution engine
 * (`WorkflowExecute.processRunExecutionData`), the way n8n runs it: declarative nodes go through
 * n8n-core's `RoutingNode` exactly as the CLI wires them, credentials are authenticated as the CLI's
 * `CredentialsHelper` does (function and generic blocks), and binary data goes through n8n-core's
 * `BinaryDataService` in `default` (inline base64) or `filesystem` mode.
 *
 *     const result = await runWorkflow({
 *       nodes: [{ name: 'Vix', type: 'n8n-nodes-visionatrix.visionatrix', parameters: { ... } }],
 *       nodeTypes: { 'n8n-nodes-visionatrix.visionatrix': new Visionatrix() },
 *       credentialTypes: [new VisionatrixApi()],
 *       credentials: { visionatrixApi: { baseUrl, username, password } },
 *     });
 *     expect(result.status).toBe('success');
 *     result.outputOf('Vix');
 */
import './env';
import { randomUUID } from 'node:crypto';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionStatus,
	IBinaryData,
	IConnections,
	ICredentialDataDecryptedObject,
	ICredentialType,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { type BinaryDataMode, acquireBinaryDataMode, readBinary } from './binary-data';
import { MANUAL_TRIGGER_TYPE, builtInNodeTypes } from './builtin-nodes';
import { type CredentialUpdate, HarnessCredentialsHelper } from './credentials-helper';
import { Container } from './di';
import { HarnessNodeTypes, type NodeTypeMap } from './node-types';

export { type BinaryDataMode, readBinary, removeBinaryDataStorage } from './binary-data';
export {
	type CodeNodeFunction,
	MANUAL_TRIGGER_TYPE,
	ManualTrigger,
	SET_BINARY_TYPE,
	SetBinary,
	builtInNodeTypes,
	defineCodeNode,
} from './builtin-nodes';
export { type CredentialUpdate, HarnessCredentialsHelper } from './credentials-helper';
export { HarnessNodeTypes, isRoutedDeclarativeNode } from './node-types';

/** Name of the Manual Trigger the harness adds when `nodes` has none. */
export const TRIGGER_NODE_NAME = 'Manual Trigger';

export interface HarnessNode extends Partial<
	Pick<
		INode,
		| 'id'
		| 'onError'
		| 'alwaysOutputData'
		| 'executeOnce'
		| 'retryOnFail'
		| 'maxTries'
		| 'waitBetweenTries'
		| 'disabled'
	>
> {
	name: string;
	type: string;
	/** Default: the node type's current (highest) version. */
	typeVersion?: number;
	parameters: INodeParameters;
	/**
	 * Default: one entry for each credential type the node type declares and `RunOptions.credentials`
	 * has data for. Pass `{}` for a node without credentials.
	 */
	credentials?: INodeCredentials;
	/** Sets `onError: 'continueRegularOutput'` (n8n's "Continue" setting). */
	continueOnFail?: boolean;
	position?: [number, number];
}

export interface RunOptions {
	/** A Manual Trigger (`TRIGGER_NODE_NAME`) is added as the start node if none is given. */
	nodes: HarnessNode[];
	/**
	 * Default: the nodes chained in order, starting from the trigger. When given and the trigger was
	 * added by the harness, the trigger is connected to every node without an incoming main connection.
	 */
	connections?: IConnections;
	/** Node types by type name; the built-ins (`builtInNodeTypes()`) are added unless overridden. */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes?: ICredentialType[];
	/** Credential data by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Items the trigger emits; binaries may be inline base64 and are stored in the run's binary mode. */
	inputItems?: INodeExecutionData[];
	/**
	 * The node the run starts at instead of a Manual Trigger: a polling trigger, run by the engine
	 * itself in `manual` mode, or (mode `trigger`) handed the items a poll emitted in `startData`.
	 */
	startNode?: string;
	startData?: INodeExecutionData[][];
	/** Default 30 s. On timeout the execution is cancelled and the run rejects. */
	timeoutMs?: number;
	/** Default `default` (inline base64). n8n 2.x itself defaults to `filesystem`. */
	binaryDataMode?: BinaryDataMode;
	/** Aborting it cancels the execution, like the stop button in n8n. */
	signal?: AbortSignal;
	/** Default `manual` (like "Execute workflow" in the editor and n8n's node test harness). */
	mode?: WorkflowExecuteMode;
	/** Default `{ executionOrder: 'v1' }`, as for new workflows. */
	settings?: IWorkflowSettings;
}

export interface RunResult {
	status: ExecutionStatus;
	/** The execution's error when it did not succeed (the failing node's error object when there is one). */
	error?: Error;
	/** Items of one main output (default 0) of the node's last run; throws if the node never ran. */
	outputOf(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** Bytes of a binary property of an output item (main output 0), whatever the binary data mode. */
	binaryOf(nodeName: string, itemIndex: number, property?: string): Promise<Buffer>;
	runData: IRunData;
	/** Node names in the order they finished. */
	executedNodes: string[];
	/** Writes the run made to its credentials (e.g. tokens from `preAuthentication`). */
	credentialUpdates: CredentialUpdate[];
	/** Everything `WorkflowExecute` returned. */
	run: IRun;
}

export interface RunHandle {
	readonly executionId: string;
	readonly result: Promise<RunResult>;
	/** Cancels the execution as n8n's stop button does: the engine aborts the nodes' cancel signal. */
	cancel(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** After a timeout-triggered cancel, how long to wait for the engine to wind down before rejecting. */
const CANCEL_GRACE_MS = 2_000;

function latestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function uniqueName(wanted: string, taken: Set<string>): string {
	let name = wanted;
	for (let i = 1; taken.has(name); i++) name = `${wanted}${i}`;
	return name;
}

function buildNodes(
	options: RunOptions,
	nodeTypes: HarnessNodeTypes,
	credentialsHelper: HarnessCredentialsHelper,
): { nodes: INode[]; start: INode; triggerAdded: boolean } {
	const nodes: INode[] = options.nodes.map((spec, index) => {
		const { continueOnFail, credentials, typeVersion, position, parameters, ...rest } = spec;
		const typeVersionResolved = typeVersion ?? latestVersion(nodeTypes.getByName(spec.type));
		const node: INode = {
			...rest,
			id: spec.id ?? randomUUID(),
			typeVersion: typeVersionResolved,
			position: position ?? [(index + 1) * 220, 0],
			parameters: structuredClone(parameters),
		};
		if (continueOnFail) node.onError = 'continueRegularOutput';

		if (credentials !== undefined) {
			node.credentials = credentials;
		} else {
			const described = nodeTypes.getByNameAndVersion(spec.type, typeVersionResolved).description
				.credentials;
			for (const { name } of described ?? []) {
				if (credentialsHelper.hasData(name)) {
					node.credentials ??= {};
					node.credentials[name] = { id: `${name}-harness`, name: `${name} (harness)` };
				}
			}
		}
		return node;
	});

	const existing = nodes.find((node) =>
		options.startNode ? node.name === options.startNode : node.type === MANUAL_TRIGGER_TYPE,
	);
	if (existing) return { nodes, start: existing, triggerAdded: false };

	const trigger: INode = {
		id: randomUUID(),
		name: uniqueName(TRIGGER_NODE_NAME, new Set(nodes.map((node) => node.name))),
		type: MANUAL_TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return { nodes: [trigger, ...nodes], start: trigger, triggerAdded: true };
}

function connect(connections: IConnections, from: string, to: string): void {
	connections[from] ??= {};
	connections[from].main ??= [];
	connections[from].main[0] ??= [];
	connections[from].main[0].push({ node: to, type: 'main', index: 0 });
}

function buildConnections(
	options: RunOptions,
	nodes: INode[],
	start: INode,
	triggerAdded: boolean,
): IConnections {
	if (!options.connections) {
		const chain = [start, ...nodes.filter((node) => node !== start)];
		const connections: IConnections = {};
		for (let i = 1; i < chain.length; i++) connect(connections, chain[i - 1].name, chain[i].name);
		return connections;
	}

	const connections = structuredClone(options.connections);
	if (triggerAdded && !connections[start.name]) {
		const hasInput = new Set<string>();
		for (const outputs of Object.values(connections)) {
			for (const targets of outputs.main ?? [])
				for (const target of targets ?? []) hasInput.add(target.node);
		}
		for (const node of nodes) {
			if (node !== start && !hasInput.has(node.name)) connect(connections, start.name, node.name);
		}
	}
	return connections;
}

export function buildAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	workflowId: string,
): IWorkflowExecuteAdditionalData {
	const base = 'http://localhost:5678';
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not supported by the test harness`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		executeWorkflow: unsupported('Executing sub-workflows'),
		startRunnerTask: unsupported('Task runners (Code node)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	};
}

/**
 * The engine keeps node errors as plain copies (`{ ...error, message, stack }`), the form n8n stores and
 * shows. Give such a copy back the prototype of the n8n-workflow error class it names, so tests can use
 * `instanceof NodeApiError` and read `httpCode`, `description`, `context`...
 */
function rehydrateError(copy: object): Error {
	if (copy instanceof Error) return copy;
	const { name, message } = copy as { name?: string; message?: string };
	const ctor = name ? (n8nWorkflow as Record<string, unknown>)[name] : undefined;
	const prototype =
		typeof ctor === 'function' && (ctor.prototype as object) instanceof Error
			? (ctor.prototype as Error)
			: Error.prototype;
	return Object.assign(
		Object.create(prototype) as Error,
		{ message: message ?? 'Execution failed' },
		copy,
	);
}

/** The error to report for a finished run: the failing node's error, else the run's error. */
function findError(run: IRun): Error | undefined {
	const { resultData } = run.data;
	const { lastNodeExecuted, runData } = resultData;
	const nodeError = lastNodeExecuted ? runData[lastNodeExecuted]?.at(-1)?.error : undefined;
	const error = nodeError ?? resultData.error;
	return error ? rehydrateError(error) : undefined;
}

function toResult(
	run: IRun,
	executedNodes: string[],
	credentialsHelper: HarnessCredentialsHelper,
): RunResult {
	const runData = run.data.resultData.runData;
	const outputOf = (nodeName: string, outputIndex = 0): INodeExecutionData[] => {
		const runs = runData[nodeName];
		if (!runs?.length) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const error = findError(run);
			throw new Error(
				`Node "${nodeName}" did not run (nodes that ran: ${ran}; status: ${run.status}${error ? `; error: ${error.message}` : ''})`,
			);
		}
		return runs[runs.length - 1].data?.main?.[outputIndex] ?? [];
	};
	return {
		status: run.status,
		error: run.status === 'success' ? undefined : findError(run),
		outputOf,
		async binaryOf(nodeName: string, itemIndex: number, property = 'data'): Promise<Buffer> {
			const item = outputOf(nodeName)[itemIndex];
			const binary: IBinaryData | undefined = item?.binary?.[property];
			if (!binary) {
				throw new Error(
					`Node "${nodeName}" item ${itemIndex} has no binary property "${property}" (has: ${Object.keys(item?.binary ?? {}).join(', ') || 'none'})`,
				);
			}
			return await readBinary(binary);
		},
		runData,
		executedNodes,
		credentialUpdates: credentialsHelper.updates,
		run,
	};
}

/** A synchronous failure before the engine started (e.g. `WorkflowHasIssuesError` for missing parameters). */
function failedBeforeStart(
	error: Error,
	executedNodes: string[],
	helper: HarnessCredentialsHelper,
	mode: WorkflowExecuteMode,
): RunResult {
	const now = new Date();
	const run: IRun = {
		data: createRunExecutionData({
			resultData: { error: { ...error, message: error.message, stack: error.stack } as never },
		}),
		mode,
		startedAt: now,
		stoppedAt: now,
		status: 'error',
		storedAt: 'db',
	};
	return { ...toResult(run, executedNodes, helper), error };
}

/** Starts a run and returns at once with a handle to cancel it; `result` settles when it ends. */
export function startWorkflow(options: RunOptions): RunHandle {
	const executionId = String(Math.floor(Math.random() * 1e9));
	const workflowId = 'harness';
	const mode = options.mode ?? 'manual';
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

	let execution: ReturnType<WorkflowExecute['processRunExecutionData']> | undefined;
	let cancelRequested = false;
	const cancel = () => {
		cancelRequested = true;
		execution?.cancel();
	};
	if (options.signal?.aborted) cancelRequested = true;
	options.signal?.addEventListener('abort', cancel, { once: true });

	const result = (async (): Promise<RunResult> => {
		const release = await acquireBinaryDataMode(options.binaryDataMode ?? 'default');
		let timer: NodeJS.Timeout | undefined;
		try {
			const nodeTypes = new HarnessNodeTypes({
				...builtInNodeTypes(),
				...options.nodeTypes,
			} as NodeTypeMap);
			const credentialsHelper = new HarnessCredentialsHelper(
				options.credentialTypes,
				options.credentials,
			);
			const { nodes, start, triggerAdded } = buildNodes(options, nodeTypes, credentialsHelper);
			const connections = buildConnections(options, nodes, start, triggerAdded);
			const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };

			const workflow = new Workflow({
				id: workflowId,
				name: 'Harness workflow',
				nodes,
				connections,
				active: false,
				nodeTypes,
				settings,
			});

			const workflowData: IWorkflowBase = {
				id: workflowId,
				name: 'Harness workflow',
				active: false,
				isArchived: false,
				activeVersionId: null,
				createdAt: new Date(),
				updatedAt: new Date(),
				nodes,
				connections,
				settings,
			};
			const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
			const executedNodes: string[] = [];
			hooks.addHandler('nodeExecuteAfter', (nodeName) => {
				executedNodes.push(nodeName);
			});

			const additionalData = buildAdditionalData(credentialsHelper, hooks, executionId, workflowId);
			const runExecutionData = createRunExecutionData({
				executionData: {
					nodeExecutionStack: [
						{
							node: start,
							data: {
								main: options.startData ?? [structuredClone(options.inputItems ?? [{ json: {} }])],
							},
							source: null,
						},
					],
				},
			});

			const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
			try {
				execution = workflowExecute.processRunExecutionData(workflow);
			} catch (error) {
				return failedBeforeStart(error as Error, executedNodes, credentialsHelper, mode);
			}
			if (cancelRequested) execution.cancel();

			let timedOut = false;
			const settled = execution.then(
				(run) => ({ run }),
				(error: Error) => ({ error }),
			);
			const deadline = new Promise<'timeout'>((resolve) => {
				timer = setTimeout(() => {
					timedOut = true;
					execution?.cancel();
					timer = setTimeout(() => resolve('timeout'), CANCEL_GRACE_MS);
				}, timeoutMs);
			});
			const outcome = await Promise.race([settled, deadline]);
			if (outcome === 'timeout' || timedOut) {
				throw new Error(
					`Workflow did not finish within ${timeoutMs} ms (finished nodes: ${executedNodes.join(', ') || 'none'})` +
						(outcome === 'timeout' ? '; it also ignored cancellation' : '; it was cancelled'),
				);
			}
			if ('error' in outcome) throw outcome.error;
			return toResult(outcome.run, executedNodes, credentialsHelper);
		} finally {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', cancel);
			release();
		}
	})();

	return { executionId, result, cancel };
}

/** Runs a workflow to its end and returns its result (see `startWorkflow` to cancel mid-run). */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	return await startWorkflow(options).result;
}
