/* eslint-disable
	@n8n/community-nodes/node-usable-as-tool
	-- test code, run by Node.js and never shipped */
import type {
	IBinaryData,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { BINARY_ENCODING, NodeConnectionTypes } from 'n8n-workflow';

/** Same type name as n8n's Manual Trigger, so workflows look like real ones. */
export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const SET_BINARY_TYPE = 'n8n-nodes-harness.setBinary';

/**
 * Stores an inline (base64) binary through the binary data service, so that in filesystem mode it
 * becomes a file reference as it would in n8n. Binaries that already have an id are kept as they are.
 */
async function storeBinary(context: IExecuteFunctions, binary: IBinaryData): Promise<IBinaryData> {
	if (binary.id) return binary;
	const bytes = Buffer.from(binary.data, BINARY_ENCODING);
	// Always name the MIME type: without one n8n-core imports the ESM-only `file-type`.
	return await context.helpers.prepareBinaryData(
		bytes,
		binary.fileName ?? 'file',
		binary.mimeType || 'application/octet-stream',
	);
}

/**
 * Start node: emits the items the harness puts on the execution stack (RunOptions.inputItems),
 * with inline binaries stored through the configured binary data mode.
 *
 * n8n's real Manual Trigger is a `trigger` node that emits one empty item; this one uses `execute`
 * so that the engine hands it the stack data as input (as it does for triggers outside manual mode).
 */
export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Harness start node: emits the run input items',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const copy: INodeExecutionData = { json: item.json };
			if (item.binary) {
				copy.binary = {};
				for (const [key, binary] of Object.entries(item.binary)) {
					copy.binary[key] = await storeBinary(this, binary);
				}
			}
			output.push(copy);
		}
		return [output];
	}
}

/**
 * Adds a binary property to every input item: parameters `propertyName` (default `data`),
 * `fileName`, `mimeType` and the content as `base64` or as `text` (UTF-8).
 */
export class SetBinary implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Set Binary (harness)',
		name: 'setBinary',
		group: ['transform'],
		version: 1,
		description: 'Harness helper: attaches a binary property to each item',
		defaults: { name: 'Set Binary' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Property Name', name: 'propertyName', type: 'string', default: 'data' },
			{ displayName: 'File Name', name: 'fileName', type: 'string', default: 'file.bin' },
			{
				displayName: 'MIME Type',
				name: 'mimeType',
				type: 'string',
				default: 'application/octet-stream',
			},
			{ displayName: 'Base64 Content', name: 'base64', type: 'string', default: '' },
			{ displayName: 'Text Content', name: 'text', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const propertyName = this.getNodeParameter('propertyName', i) as string;
			const base64 = this.getNodeParameter('base64', i) as string;
			const text = this.getNodeParameter('text', i) as string;
			const bytes = base64 ? Buffer.from(base64, 'base64') : Buffer.from(text, 'utf8');
			const binary = await this.helpers.prepareBinaryData(
				bytes,
				this.getNodeParameter('fileName', i) as string,
				this.getNodeParameter('mimeType', i) as string,
			);
			output.push({
				json: items[i].json,
				binary: { ...(items[i].binary ?? {}), [propertyName]: binary },
				pairedItem: { item: i },
			});
		}
		return [output];
	}
}

export type CodeNodeFunction = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) =>
	| Promise<INodeExecutionData[][] | INodeExecutionData[]>
	| INodeExecutionData[][]
	| INodeExecutionData[];

/**
 * A "Code node" for tests: register the result under a type name of your choice
 * (`nodeTypes: { 'test.code': defineCodeNode(async function (items) { ... }) }`).
 * The function runs as the node's `execute` with the real n8n-core `this`; returning a flat item
 * list means output 0.
 */
export function defineCodeNode(fn: CodeNodeFunction, name = 'harnessCode'): INodeType {
	return {
		description: {
			displayName: 'Code (harness)',
			name,
			group: ['transform'],
			version: 1,
			description: 'Harness helper: runs a test-supplied function',
			defaults: { name: 'Code' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			const result = await fn.call(this, this.getInputData());
			return result.length > 0 && !Array.isArray(result[0])
				? [result as INodeExecutionData[]]
				: (result as INodeExecutionData[][]);
		},
	};
}

/** Node types every run gets, unless RunOptions.nodeTypes overrides the same name. */
export function builtInNodeTypes(): Record<string, INodeType> {
	return {
		[MANUAL_TRIGGER_TYPE]: new ManualTrigger(),
		[SET_BINARY_TYPE]: new SetBinary(),
	};
}
