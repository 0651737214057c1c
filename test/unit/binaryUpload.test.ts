/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * A file input as the create request sends it: a stored binary is read from n8n's binary data
 * store through `stream()`, afresh each time the request body is built; an inline one is its bytes.
 */
import { Readable } from 'node:stream';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { uploadableFile } from '../../nodes/Visionatrix/shared/binaryUpload';

const BYTES = Buffer.from('\x89PNG\r\n\x1a\n the rest of a picture');

/** The binary data helpers of an execution whose store holds BYTES under `id`; counts the reads. */
function storeContext() {
	const opened: string[] = [];
	const context = {
		helpers: {
			getBinaryMetadata: async (id: string) => {
				if (id !== 'filesystem-v2:kept') throw new Error(`File not found: ${id}`);
				return { fileName: 'kept.png', mimeType: 'image/png', fileSize: BYTES.length };
			},
			// In 8-byte chunks, as a store streams a file in pieces.
			getBinaryStream: async (id: string) => {
				opened.push(id);
				return Readable.from(
					Array.from({ length: Math.ceil(BYTES.length / 8) }, (_, i) =>
						BYTES.subarray(i * 8, i * 8 + 8),
					),
				);
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, opened };
}

const stored: IBinaryData = {
	data: 'filesystem-v2',
	id: 'filesystem-v2:kept',
	mimeType: 'image/png',
	fileName: 'kept.png',
};

describe('a file input to upload', () => {
	it('from the store: its size, name and type up front, its bytes only when read, read again from the start on a second send', async () => {
		const { context, opened } = storeContext();
		const file = await uploadableFile.call(context, stored, 'photo.png');
		expect({ size: file.size, name: file.name, type: file.type }).toEqual({
			size: BYTES.length,
			name: 'photo.png',
			type: 'image/png',
		});
		expect(opened).toEqual([]);

		const form = new FormData();
		form.append('input_image', file);
		const firstSend = Buffer.from(await new Response(form).arrayBuffer());
		const secondSend = Buffer.from(await new Response(form).arrayBuffer());
		expect(firstSend.includes(BYTES)).toBe(true);
		expect(firstSend.includes('filename="photo.png"')).toBe(true);
		const withoutBoundary = (body: Buffer) =>
			body.toString('latin1').replace(/-+formdata-undici-\d+/g, '--');
		expect(withoutBoundary(secondSend)).toBe(withoutBoundary(firstSend));
		expect(opened).toEqual(['filesystem-v2:kept', 'filesystem-v2:kept']);
	});

	it('from the store: every Blob reader gives the stored bytes, never the empty File underneath', async () => {
		const { context } = storeContext();
		const file = await uploadableFile.call(context, stored, 'photo.png');
		expect(Buffer.from(await file.arrayBuffer()).equals(BYTES)).toBe(true);
		expect(Buffer.from(await file.bytes()).equals(BYTES)).toBe(true);
		expect(await file.text()).toBe(BYTES.toString());
		expect(() => file.slice(0, 4)).toThrow(
			'A file streamed from the binary data store cannot be sliced',
		);
	});

	it('inline (binary data mode "default"): the bytes the item holds', async () => {
		const { context, opened } = storeContext();
		const inline: IBinaryData = {
			data: BYTES.toString('base64'),
			mimeType: 'image/png',
			fileName: 'inline.png',
		};
		const file = await uploadableFile.call(context, inline, 'inline.png');
		expect(Buffer.from(await file.arrayBuffer()).equals(BYTES)).toBe(true);
		expect(opened).toEqual([]);
	});

	it('a stored file that is gone fails before anything is sent', async () => {
		const { context, opened } = storeContext();
		await expect(
			uploadableFile.call(context, { ...stored, id: 'filesystem-v2:pruned' }, 'x.png'),
		).rejects.toThrow('File not found: filesystem-v2:pruned');
		expect(opened).toEqual([]);
	});
});
