import type {
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeParameters,
	INodeProperties,
	INodeTypeDescription,
	ResourceMapperField,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { getFlowInputs } from '../../nodes/Visionatrix/resourceMapping/getFlowInputs';
import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';
import type { WorkflowExport, WorkflowNode } from '../n8n';

/**
 * A Visionatrix node of an example as the editor would store it today: its flow's inputs as the
 * current resource mapper describes them (the server's defaults filled in, advanced inputs folded
 * unless the example gives them a value), the version the editor adds, and the parameters
 * the editor keeps (defaults and fields hidden in that version left out).
 */

export const NODE_TYPE = 'n8n-nodes-visionatrix.visionatrix';
const description: INodeTypeDescription = new Visionatrix().description;
export const CURRENT_VERSION = description.defaultVersion!;

/** The mapper's fields for a flow, read from a server as the editor reads them. */
export type FieldsOf = (flow: string) => Promise<ResourceMapperField[]>;

export function fieldsFrom(baseUrl: string): FieldsOf {
	return async (flow) => {
		const context = {
			getNode: () => ({
				id: 'n',
				name: 'Visionatrix',
				type: NODE_TYPE,
				typeVersion: CURRENT_VERSION,
				position: [0, 0],
				parameters: {},
			}),
			getNodeParameter: (name: string) => (name === 'flow' ? flow : undefined),
			getCredentials: async () => ({ baseUrl, apiVersion: 'current', username: '', password: '' }),
			helpers: {
				httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
					const response = await fetch(new URL(`${options.baseURL}${options.url}`));
					return { statusCode: response.status, headers: {}, body: await response.json() };
				},
			},
		} as unknown as ILoadOptionsFunctions;
		return (await getFlowInputs.call(context)).fields;
	};
}

interface StoredMapper {
	mappingMode: string;
	value: Record<string, unknown> | null;
	matchingColumns: string[];
	schema: ResourceMapperField[];
	attemptToConvertTypes: boolean;
	convertFieldsToString: boolean;
}

/** The inputs the example's author set: the values that are not the field's default. */
function authorsValues(
	stored: StoredMapper | undefined,
	fields: ResourceMapperField[],
): Record<string, unknown> {
	const byId = new Map(fields.map((f) => [f.id, f]));
	const values: Record<string, unknown> = {};
	for (const [id, value] of Object.entries(stored?.value ?? {})) {
		if (value === null || value === undefined) continue;
		if (byId.get(id)?.defaultValue === value) continue;
		values[id] = value;
	}
	return values;
}

function mapperAsStored(
	fields: ResourceMapperField[],
	authors: Record<string, unknown>,
): StoredMapper {
	const schema = fields.map((field) => ({
		...field,
		removed: field.removed === true && !(field.id in authors),
	}));
	const value: Record<string, unknown> = {};
	for (const field of schema) {
		if (field.removed || !field.display) continue;
		const given = field.id in authors ? authors[field.id] : field.defaultValue;
		if (given !== undefined) value[field.id] = given;
	}
	for (const [id, given] of Object.entries(authors)) if (!(id in value)) value[id] = given;
	return {
		mappingMode: 'defineBelow',
		value,
		matchingColumns: [],
		schema,
		attemptToConvertTypes: false,
		convertFieldsToString: true,
	};
}

function flowOf(parameters: INodeParameters): string {
	const flow = parameters.flow as { value?: string } | undefined;
	return String(flow?.value ?? '');
}

/** Options of a collection the node would not show (stale ones of another version or mode). */
function hiddenOptions(node: Pick<INode, 'typeVersion'>, parameters: INodeParameters): string[] {
	const collection = description.properties.find(
		(p: INodeProperties) =>
			p.name === 'options' && NodeHelpers.displayParameter(parameters, p, node, description),
	);
	const values = (parameters.options ?? {}) as INodeParameters;
	return Object.keys(values).filter((name) => {
		const option = (collection?.options as INodeProperties[] | undefined)?.find(
			(o) => o.name === name,
		);
		return !option || !NodeHelpers.displayParameter(values, option, node, description, parameters);
	});
}

/** One Visionatrix node as the editor would store it now. */
export async function nodeAsStored(node: WorkflowNode, fieldsOf: FieldsOf): Promise<WorkflowNode> {
	const version = { typeVersion: CURRENT_VERSION };
	const parameters: INodeParameters = JSON.parse(
		JSON.stringify(node.parameters),
	) as INodeParameters;
	if (
		parameters.operation === 'create' &&
		flowOf(parameters) &&
		!flowOf(parameters).startsWith('=')
	) {
		const fields = await fieldsOf(flowOf(parameters));
		parameters.flowInputs = mapperAsStored(
			fields,
			authorsValues(parameters.flowInputs as unknown as StoredMapper, fields),
		) as unknown as INodeParameters;
	}
	// Which options show depends on fields at their defaults too (e.g. Output: Files).
	const withDefaults =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			version,
			description,
		) ?? {};
	const options = (parameters.options ?? {}) as INodeParameters;
	for (const name of hiddenOptions(version, withDefaults)) delete options[name];
	const kept =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			false,
			false,
			version,
			description,
		) ?? {};
	// Resource and Operation stay even at their defaults, for readers of the JSON (n8n reads either).
	const stored = {
		resource: parameters.resource ?? 'task',
		operation: parameters.operation,
		...kept,
	};
	return { ...node, typeVersion: CURRENT_VERSION, parameters: stored };
}

/** The example with each Visionatrix node as the editor would store it now. */
export async function exampleAsStored(
	example: WorkflowExport,
	fieldsOf: FieldsOf,
): Promise<WorkflowExport> {
	const nodes: WorkflowNode[] = [];
	for (const node of example.nodes)
		nodes.push(node.type === NODE_TYPE ? await nodeAsStored(node, fieldsOf) : node);
	return { ...example, nodes };
}
