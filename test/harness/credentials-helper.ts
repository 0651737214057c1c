import { Credentials, getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, UnexpectedError, isExpression } from 'n8n-workflow';

/** Every change the harness's credentials store saw (preAuthentication refreshes, OAuth token updates). */
export interface CredentialUpdate {
	type: string;
	data: ICredentialDataDecryptedObject;
}

/**
 * `ICredentialsHelper` for in-process runs: credential data comes from a plain map keyed by credential
 * type name instead of the database. Authentication follows n8n CLI's `CredentialsHelper`:
 * - a function `authenticate` on the credential type is called;
 * - a generic block (`{ type: 'generic', properties: { auth, headers, qs, body } }`) is resolved with
 *   `$credentials` through the workflow's expression engine and written onto the request options.
 * n8n's own test helper only does the first, so Basic auth declared as a generic block silently
 * disappears there.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	private readonly data = new Map<string, ICredentialDataDecryptedObject>();

	/** Writes the run made to its credentials (e.g. a refreshed token from `preAuthentication`). */
	readonly updates: CredentialUpdate[] = [];

	constructor(
		credentialTypes: ICredentialType[] = [],
		credentials: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
		for (const [type, data] of Object.entries(credentials)) this.data.set(type, { ...data });
	}

	hasData(type: string): boolean {
		return this.data.has(type);
	}

	private getType(typeName: string): ICredentialType {
		const type = this.types.get(typeName);
		if (!type) {
			throw new UnexpectedError(
				`Unknown credential type "${typeName}": pass it in RunOptions.credentialTypes`,
			);
		}
		return type;
	}

	getParentTypes(typeName: string): string[] {
		const parents: string[] = [];
		for (const parent of this.types.get(typeName)?.extends ?? []) {
			parents.push(parent, ...this.getParentTypes(parent));
		}
		return parents;
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		const shortName = nodeType.slice(nodeType.lastIndexOf('.') + 1);
		return (type.supportedNodes ?? []).some((name) => name === nodeType || name === shortName);
	}

	getCredentialsProperties(typeName: string): INodeProperties[] {
		const type = this.getType(typeName);
		if (!type.extends?.length) return type.properties;
		const merged: INodeProperties[] = [];
		for (const parent of type.extends) {
			// Parent types that were not registered contribute nothing, as long as nothing asks for them.
			if (this.types.has(parent)) {
				NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
			}
		}
		NodeHelpers.mergeNodeProperties(merged, type.properties);
		return merged;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.getType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (typeof authenticate === 'object' && authenticate.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError(
					'Workflow and node are required for generic credential authentication',
				);
			}
			const resolve = (value: unknown) => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? resolved.toString() : '';
			};

			const target = requestOptions as unknown as Record<string, unknown>;
			target.headers ??= {};
			for (const [section, entries] of Object.entries(authenticate.properties)) {
				if (entries !== null && typeof entries === 'object') {
					const current = (target[section] ??= {}) as IDataObject;
					for (const [key, value] of Object.entries(entries as IDataObject)) {
						current[resolve(key) as string] = resolve(value) as IDataObject[string];
					}
				} else {
					// Scalar entries (`url`, `skipSslCertificateValidation`); the CLI would throw on these.
					target[section] = resolve(entries);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** As the CLI: only for credential types with an expirable hidden property and a `preAuthentication`. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getType(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials?.[typeName]) {
			await this.updateCredentials(node.credentials[typeName], typeName, {
				...(this.data.get(typeName) ?? {}),
				...(output as ICredentialDataDecryptedObject),
			});
		}
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.getType(typeName);
		if (typeof type.preAuthentication !== 'function') return undefined;
		return (
			((await type.preAuthentication.call(
				helpers,
				credentials,
			)) as ICredentialDataDecryptedObject) ?? undefined
		);
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const credentials = new Credentials(
			{ id: nodeCredentials.id, name: nodeCredentials.name },
			type,
		);
		await credentials.setData(this.getStored(nodeCredentials, type));
		return credentials;
	}

	/**
	 * As the CLI: the stored data with the credential type's defaults applied (undeclared keys dropped)
	 * and, when the engine passes the node's context, expressions in it resolved. `raw` returns it as stored.
	 */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = structuredClone(this.getStored(nodeCredentials, type));
		if (raw === true) return stored;

		let data = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		// As in the CLI, keys the type does not declare are dropped, except these.
		for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
			if (data[key] === undefined && stored[key] !== undefined) data[key] = stored[key];
		}

		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			data = workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data.set(type, { ...data });
		this.updates.push({ type, data: { ...data } });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, {
			...(this.data.get(type) ?? {}),
			oauthTokenData: data.oauthTokenData,
		});
	}

	private getStored(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): ICredentialDataDecryptedObject {
		const stored = this.data.get(type);
		if (!stored) {
			throw new UnexpectedError(
				`No credential data for type "${type}" (node credential "${nodeCredentials.name}"): pass it in RunOptions.credentials`,
			);
		}
		return stored;
	}
}
