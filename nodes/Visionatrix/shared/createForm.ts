import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { uploadableFile } from './binaryUpload';
import { installedFlows } from './flowCatalog';
import { FlowInputError, prepareFlowInputs } from './flowInputs';
import { flowNotInstalledError, itemError } from './itemErrors';

/** Options of Create Task that become form fields. */
export interface CreateFormOptions {
	groupScope?: number;
	priority?: number;
	webhookHeaders?: string | IDataObject;
	webhookUrl?: string;
}

interface CreateRequest {
	flow: string;
	form: FormData;
}

/** `webhook_headers` must be a JSON object: the server answers a bare 500 for anything else. */
function webhookHeadersJson(
	this: IExecuteFunctions,
	itemIndex: number,
	value: string | IDataObject,
): string {
	let headers: unknown = value;
	if (typeof value === 'string') {
		try {
			headers = JSON.parse(value);
		} catch {
			throw itemError(
				this.getNode(),
				itemIndex,
				"Option 'Webhook Headers' is not valid JSON",
				'Give the headers as a JSON object, for example {"X-Token": "secret"}.',
			);
		}
	}
	if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
		throw itemError(
			this.getNode(),
			itemIndex,
			"Option 'Webhook Headers' must be a JSON object",
			'Give the headers as a JSON object of names and values, for example {"X-Token": "secret"}.',
		);
	}
	return JSON.stringify(headers);
}

/**
 * The typed fields' values; none when they are stored as `null` (the field list never loaded).
 * Read as the whole parameter without n8n's check: n8n would check `flowInputs.value` against the
 * field list stored with the workflow and name inputs by their ids; prepareFlowInputs checks every
 * value against the server's flow and names the input by its label.
 */
function mappedValues(this: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const mapper = this.getNodeParameter('flowInputs', itemIndex, null, {
		skipValidation: true,
	}) as { value?: Record<string, unknown> | null } | null;
	const values = mapper?.value;
	return typeof values === 'object' && values !== null ? values : {};
}

/** The input values of one item: the typed fields, then the inputs given by name. */
function inputValues(this: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const mapped = mappedValues.call(this, itemIndex);
	const byName = this.getNodeParameter('inputs.input', itemIndex, []) as Array<{
		name: string;
		value: unknown;
	}>;
	const values: Record<string, unknown> = { ...mapped };
	for (const [index, input] of byName.entries()) {
		const name = String(input.name ?? '').trim();
		if (!name) {
			throw itemError(
				this.getNode(),
				itemIndex,
				`Input by name ${index + 1} has no name`,
				'Give each input the name of an input of the flow, for example "prompt".',
			);
		}
		values[name] = input.value;
	}
	return values;
}

type PreparedFiles = ReturnType<typeof prepareFlowInputs>['files'];

/** The file inputs: a task output reference as JSON, or the item's binary data as an upload. */
async function appendFiles(
	this: IExecuteFunctions,
	form: FormData,
	files: PreparedFiles,
	itemIndex: number,
): Promise<void> {
	const item = this.getInputData()[itemIndex];
	for (const file of files) {
		if ('reference' in file) {
			form.append(file.name, JSON.stringify(file.reference));
			continue;
		}
		const binary = item.binary?.[file.binaryProperty];
		if (!binary) {
			const present = Object.keys(item.binary ?? {});
			throw itemError(
				this.getNode(),
				itemIndex,
				`Input '${file.name}' needs binary field '${file.binaryProperty}', which the incoming item does not have`,
				present.length
					? `The item has the binary fields: ${present.join(', ')}. Give one of them.`
					: 'The item has no binary data. Connect a node that outputs a file (for example Get Results or Read Files from Disk), or give another task\'s output as {"task_id": 1, "node_id": 9}.',
			);
		}
		const fileName = binary.fileName ?? `${file.name}.${binary.fileExtension ?? 'bin'}`;
		let upload: File;
		try {
			upload = await uploadableFile.call(this, binary, fileName);
		} catch (error) {
			throw itemError(
				this.getNode(),
				itemIndex,
				`Input '${file.name}': the file of binary field '${file.binaryProperty}' cannot be read from n8n's binary data (${(error as Error).message})`,
				'The file is no longer stored, for example because the execution that made it was pruned. Run the node that produces the file again.',
			);
		}
		// Appended without a file name (the file has it): given one, FormData would wrap the file in a
		// new File of the bytes it was constructed with, which for a stored file are none.
		form.append(file.name, upload);
	}
}

/**
 * The multipart form of `PUT {prefix}/tasks/create/{flow}` for one item, checked against the
 * flow's inputs before anything is sent, with files from the item's binary data.
 */
export async function buildCreateRequest(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<CreateRequest> {
	const flow = String(
		this.getNodeParameter('flow', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!flow)
		throw itemError(
			this.getNode(),
			itemIndex,
			"Parameter 'Flow' is empty",
			'Pick a flow from the list or give its name.',
		);

	const installed = await installedFlows.call(this);
	const definition = installed.find((f) => f.name === flow);
	if (!definition) {
		throw flowNotInstalledError(this.getNode(), itemIndex, flow, installed);
	}

	let prepared;
	try {
		prepared = prepareFlowInputs(definition, inputValues.call(this, itemIndex));
	} catch (error) {
		if (error instanceof FlowInputError)
			throw itemError(this.getNode(), itemIndex, error.message, error.hint);
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}

	const form = new FormData();
	for (const [name, value] of prepared.text) form.append(name, value);

	await appendFiles.call(this, form, prepared.files, itemIndex);
	return { flow, form };
}

/** The form fields the item's options make, after its inputs. */
export function appendOptionFields(
	this: IExecuteFunctions,
	form: FormData,
	itemIndex: number,
	options: CreateFormOptions,
): void {
	if (options.priority !== undefined) form.append('priority', String(options.priority));
	if (options.groupScope !== undefined) form.append('group_scope', String(options.groupScope));
	if (options.webhookUrl) form.append('webhook_url', options.webhookUrl);
	if (options.webhookHeaders !== undefined) {
		form.append(
			'webhook_headers',
			webhookHeadersJson.call(this, itemIndex, options.webhookHeaders),
		);
	}
}
