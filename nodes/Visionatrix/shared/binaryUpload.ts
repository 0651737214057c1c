import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';

/**
 * A file in n8n's binary data store as a form part, read from the store while the request body goes
 * out: an upload holds a few chunks of the file at a time, whatever its size, and waits while the
 * server reads slowly. The request (axios, behind `this.helpers.httpRequest`) reads the part through
 * `stream()`, once per send, so a create that is sent again reads the file again from its start.
 *
 * The File underneath is given no bytes: every reader of Blob goes through `stream()`.
 */
class StoredBinaryFile extends File {
	readonly #open: () => Promise<AsyncIterable<Uint8Array>>;

	constructor(
		open: () => Promise<AsyncIterable<Uint8Array>>,
		size: number,
		name: string,
		type: string,
	) {
		super([], name, { type });
		this.#open = open;
		// Blob's `size` is a getter of the bytes given to the constructor (none): this file's own.
		Object.defineProperty(this, 'size', { value: size, enumerable: true });
	}

	override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
		const open = this.#open;
		let chunks: AsyncIterator<Uint8Array> | undefined;
		return new ReadableStream({
			async pull(controller) {
				chunks ??= (await open())[Symbol.asyncIterator]();
				const next = await chunks.next();
				if (next.done) controller.close();
				else controller.enqueue(next.value as Uint8Array<ArrayBuffer>);
			},
			async cancel(reason) {
				await chunks?.return?.(reason);
			},
		});
	}

	override async arrayBuffer(): Promise<ArrayBuffer> {
		return await new Response(this.stream()).arrayBuffer();
	}

	override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
		return new Uint8Array(await this.arrayBuffer());
	}

	override async text(): Promise<string> {
		return await new Response(this.stream()).text();
	}

	override slice(): Blob {
		throw new Error('A file streamed from the binary data store cannot be sliced');
	}
}

/**
 * An item's binary data as a file to upload: streamed from n8n's binary data store when it is
 * stored there (filesystem, S3, database modes), the bytes themselves when the item holds them
 * inline (they are in memory already). Throws when the stored file is gone.
 */
export async function uploadableFile(
	this: IExecuteFunctions,
	binary: IBinaryData,
	fileName: string,
): Promise<File> {
	const { id } = binary;
	if (id === undefined) {
		const bytes = Buffer.from(binary.data, BINARY_ENCODING);
		return new File([bytes as Uint8Array<ArrayBuffer>], fileName, { type: binary.mimeType });
	}
	const { fileSize } = await this.helpers.getBinaryMetadata(id);
	return new StoredBinaryFile(
		async () => await this.helpers.getBinaryStream(id),
		fileSize,
		fileName,
		binary.mimeType,
	);
}
