import type {
	IDataObject,
	IExecuteFunctions,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';
import { RoutingNode } from 'n8n-core';

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

/**
 * The rule n8n's CLI uses (`shouldAssignExecuteMethod` in n8n 2.41.1's `dist/utils.js`) to decide that a
 * node type gets an `execute` that runs the routing engine. Declarative nodes (`requestDefaults`) qualify
 * even with `methods` (loadOptions, listSearch...) or `webhook`; older n8n versions excluded `methods`.
 */
export function isRoutedDeclarativeNode(nodeType: INodeType): boolean {
	const isDeclarative = nodeType.description?.requestDefaults !== undefined;
	return (
		!nodeType.execute &&
		!nodeType.supplyData &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || isDeclarative) &&
		(!nodeType.methods || isDeclarative)
	);
}

/**
 * `INodeTypes` over an in-memory map, behaving like the CLI's `NodeTypes.getByNameAndVersion`:
 * a declarative node gets an `execute` that runs n8n-core's `RoutingNode` with the real
 * `ExecuteContext` (so it sees the execution's cancel signal, like in n8n itself).
 *
 * Unlike the CLI, the caller's node type object is not mutated: the routed variant is a
 * prototype-linked copy, cached so each (type, version) resolves to one stable object.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly routed = new WeakMap<INodeType, INodeType>();

	constructor(private readonly types: NodeTypeMap) {}

	has(type: string): boolean {
		return Object.hasOwn(this.types, type);
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		if (!this.has(type)) {
			throw new UnexpectedError(
				`Unknown node type "${type}". Known to this run: ${Object.keys(this.types).join(', ')}`,
			);
		}
		return this.types[type];
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		const nodeType = NodeHelpers.getVersionedNodeType(this.getByName(type), version);
		if (!isRoutedDeclarativeNode(nodeType)) return nodeType;

		let routed = this.routed.get(nodeType);
		if (!routed) {
			const base = nodeType;
			routed = Object.create(base, {
				execute: {
					value: async function (this: IExecuteFunctions) {
						// Same call the CLI makes: `new RoutingNode(this, versionedNodeType).runNode()`.
						const routingNode = new RoutingNode(
							this as ConstructorParameters<typeof RoutingNode>[0],
							base,
						);
						return (await routingNode.runNode()) ?? [];
					},
					enumerable: true,
				},
			}) as INodeType;
			this.routed.set(nodeType, routed);
		}
		return routed;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}
