/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- benchmark code, run by Node.js and never shipped */
/**
 * (a) This node uploading a big file: Create Task of a flow with a file input, given as the binary
 * data of an item stored in n8n's binary data store (`filesystem` mode), as a pipeline hands one
 * flow's result to the next. The file is first put in the store by `storeFile` (before the
 * baseline); the measured part is `runNodeUpload`, the create with its upload.
 */
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';

import { BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

import { Container } from '../../test/harness/di';
import { createTask } from '../../test/integration/visionatrix';
import { runInEngine, type NodeRun } from './node';

const STEP = 'Create Task';

/**
 * A file of `bytes` bytes in the binary data store, put there without passing through this
 * process: a generated image (small, from `baseUrl`'s emulator) stored by the node, then grown to
 * `bytes` in place by the kernel (the image followed by zeros), its stored metadata to match.
 * Stored through this process instead, the file would leave its chunks' freed pages in the RSS
 * baseline, and the measured upload would reuse them rather than grow.
 */
export async function storeFile(
	baseUrl: string,
	bytes: number,
	timeoutMs: number,
): Promise<INodeExecutionData> {
	const [item] = (
		await runInEngine(
			baseUrl,
			[createTask(STEP, 'sdxl_lighting', { prompt: 'to upload' }, { downloadResults: true })],
			[{ json: {} }],
			timeoutMs,
		)
	).outputOf(STEP);
	const binary = item?.binary?.data;
	if (!binary?.id) throw new Error('The generated file was not stored in the binary data store');
	const store = Container.get(BinaryDataService);
	const path = store.getPath(binary.id);
	truncateSync(path, bytes);
	// n8n-core's filesystem store keeps the metadata (with the size) beside the file.
	const metadataPath = `${path}.metadata`;
	writeFileSync(
		metadataPath,
		JSON.stringify({ ...JSON.parse(readFileSync(metadataPath, 'utf8')), fileSize: bytes }),
	);
	const { fileSize } = await store.getMetadata(binary.id);
	if (fileSize !== bytes || statSync(path).size !== bytes)
		throw new Error(
			`The stored file has ${statSync(path).size} bytes (metadata: ${fileSize}), not ${bytes}`,
		);
	return { json: {}, binary: { data: { ...binary, bytes } } };
}

/** Creates a background-removal task of the stored file: the upload. */
export async function runNodeUpload(
	baseUrl: string,
	file: INodeExecutionData,
	timeoutMs: number,
): Promise<Omit<NodeRun, 'waitPhases'>> {
	const startedAt = Date.now();
	const created = (
		await runInEngine(
			baseUrl,
			[createTask(STEP, 'remove_background_birefnet', { input_image: 'data' })],
			[file],
			timeoutMs,
		)
	).outputOf(STEP);
	if (created.length !== 1 || created[0].json.task_id === undefined)
		throw new Error('Create Task gave no task');
	return {
		files: 1,
		bytes: file.binary!.data.bytes ?? 0,
		phases: { [STEP]: { from: startedAt, to: Date.now() } },
	};
}
