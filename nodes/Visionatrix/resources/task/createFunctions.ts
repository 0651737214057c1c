import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { throwIfVisionatrixError } from '../../shared/errors';
import { itemErrorContext } from '../../shared/transport';
import type { CreateTaskResponse } from '../../shared/types';

interface CreateTaskOptions {
	count?: number;
	groupScope?: number;
	priority?: number;
	seed?: number;
	translate?: boolean;
	webhookHeaders?: string | IDataObject;
	webhookUrl?: string;
}

function flowName(context: IExecuteSingleFunctions): string {
	const flow = context.getNodeParameter('flow', undefined, { extractValue: true });
	return String(flow ?? '').trim();
}

function inputError(context: IExecuteSingleFunctions, message: string, description: string) {
	const itemIndex = context.getItemIndex();
	return new NodeOperationError(context.getNode(), `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

/** `webhook_headers` must be a JSON object: the server answers a bare 500 for anything else. */
function webhookHeadersJson(context: IExecuteSingleFunctions, value: string | IDataObject): string {
	let headers: unknown = value;
	if (typeof value === 'string') {
		try {
			headers = JSON.parse(value);
		} catch {
			throw inputError(
				context,
				"Option 'Webhook Headers' is not valid JSON",
				'Give the headers as a JSON object, for example {"X-Token": "secret"}.',
			);
		}
	}
	if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
		throw inputError(
			context,
			"Option 'Webhook Headers' must be a JSON object",
			'Give the headers as a JSON object of names and values, for example {"X-Token": "secret"}.',
		);
	}
	return JSON.stringify(headers);
}

/** preSend: the multipart form of `PUT {prefix}/tasks/create/{flow}`, with files from the item's binary data. */
export async function buildCreateTaskForm(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const flow = flowName(this);
	if (!flow) {
		throw inputError(this, "Parameter 'Flow' is empty", 'Pick a flow from the list or give its name.');
	}
	const form = new FormData();

	const inputs = this.getNodeParameter('inputs.input', []) as Array<{ name: string; value: unknown }>;
	for (const [index, input] of inputs.entries()) {
		const name = String(input.name ?? '').trim();
		if (!name) {
			throw inputError(
				this,
				`Flow input ${index + 1} has no name`,
				`Give each flow input the name of an input of flow '${flow}', for example "prompt".`,
			);
		}
		form.append(name, String(input.value ?? ''));
	}

	const fileInputs = this.getNodeParameter('fileInputs.file', []) as Array<{
		name: string;
		binaryProperty: string;
	}>;
	const item = this.getInputData();
	for (const fileInput of fileInputs) {
		const name = String(fileInput.name ?? '').trim();
		const property = String(fileInput.binaryProperty ?? '').trim();
		const binary = item.binary?.[property];
		if (!binary) {
			const present = Object.keys(item.binary ?? {});
			throw inputError(
				this,
				`File input '${name}' needs binary field '${property}', which the incoming item does not have`,
				present.length
					? `The item has the binary fields: ${present.join(', ')}. Set 'Input Binary Field' to one of them.`
					: 'The item has no binary data. Connect a node that outputs a file (for example Get Results or Read Files from Disk).',
			);
		}
		const bytes = await this.helpers.getBinaryDataBuffer(property);
		const blob = new Blob([new Uint8Array(bytes)], { type: binary.mimeType });
		form.append(name, blob, binary.fileName ?? `${name}.${binary.fileExtension ?? 'bin'}`);
	}

	const options = this.getNodeParameter('options', {}) as CreateTaskOptions;
	if (options.seed !== undefined) form.append('seed', String(options.seed));
	if (options.count !== undefined) form.append('count', String(options.count));
	if (options.priority !== undefined) form.append('priority', String(options.priority));
	if (options.groupScope !== undefined) form.append('group_scope', String(options.groupScope));
	if (options.translate !== undefined) form.append('translate', options.translate ? '1' : '0');
	if (options.webhookUrl) form.append('webhook_url', options.webhookUrl);
	if (options.webhookHeaders !== undefined) {
		form.append('webhook_headers', webhookHeadersJson(this, options.webhookHeaders));
	}

	return { ...requestOptions, url: `/tasks/create/${encodeURIComponent(flow)}`, body: form };
}

/** postReceive: one item per created task (`count` creates several), each carrying its `task_id`. */
export async function splitCreatedTasks(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const flow = flowName(this);
	await throwIfVisionatrixError(
		this.getNode(),
		response,
		await itemErrorContext.call(this, `create a task of flow '${flow}'`, { flow }),
	);
	const created = response.body as CreateTaskResponse;
	const item = this.getItemIndex();
	return created.tasks_ids.map((taskId) => ({
		json: { task_id: taskId, flow, outputs: created.outputs } as IDataObject,
		pairedItem: { item },
	}));
}
