/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** Unit tests of the emulator's own file codecs and JSON writer. */
import { deflateSync, crc32 as zlibCrc32 } from 'node:zlib';

import { crc32 } from './media/crc32';
import { crc16, crc8, encodeFlac } from './media/flac';
import { decodePng, encodePng, PngFormatError, readPngHeader } from './media/png';
import { encodeAnimatedWebp } from './media/webp';
import { createZip } from './media/zip';
import { pythonFloat, toPythonJson } from './http/pyjson';
import { pngInfo, pngRgba, zipEntries } from '../fixtures/media';

const CHECK = Buffer.from('123456789');

/** A PNG of any colour type, rows filtered with the given filter (0–4), for decoder tests. */
function craftPng(
	width: number,
	height: number,
	colorType: number,
	samples: number[][],
	filter: number,
	extra: Buffer[] = [],
): Buffer {
	const bpp = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]!;
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const row = samples[y];
		const prev = y > 0 ? samples[y - 1] : row.map(() => 0);
		const out = Buffer.alloc(row.length + 1);
		out[0] = filter;
		row.forEach((value, i) => {
			const a = i >= bpp ? row[i - bpp] : 0;
			const b = prev[i];
			const c = i >= bpp ? prev[i - bpp] : 0;
			const p = a + b - c;
			const paeth =
				Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
					? a
					: Math.abs(p - b) <= Math.abs(p - c)
						? b
						: c;
			out[i + 1] = (value - [0, a, b, (a + b) >> 1, paeth][filter]) & 0xff;
		});
		rows.push(out);
	}
	const chunk = (type: string, payload: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'latin1'), payload]);
		const length = Buffer.alloc(4);
		length.writeUInt32BE(payload.length);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(zlibCrc32(body));
		return Buffer.concat([length, body, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, colorType, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from('89504e470d0a1a0a', 'hex'),
		chunk('IHDR', ihdr),
		...extra.map((payload, index) =>
			chunk(index === 0 && colorType === 3 ? 'PLTE' : 'tRNS', payload),
		),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

describe('CRC-32', () => {
	test('matches zlib on the standard check string and continues across buffers', () => {
		expect(crc32(CHECK)).toBe(0xcbf43926);
		expect(crc32(CHECK.subarray(4), crc32(CHECK.subarray(0, 4)))).toBe(zlibCrc32(CHECK));
	});
});

describe('PNG codec', () => {
	test('encodes RGBA and RGB images that an independent reader decodes to the same pixels', () => {
		const data = new Uint8Array(5 * 3 * 4).map((_, i) => (i * 37) % 256);
		const rgba = encodePng({ width: 5, height: 3, data });
		expect(pngInfo(rgba)).toMatchObject({ width: 5, height: 3, bitDepth: 8, colorType: 6 });
		expect([...pngRgba(rgba).rgba]).toEqual([...data]);
		const rgb = encodePng({ width: 5, height: 3, data }, { mode: 'rgb' });
		expect(pngInfo(rgb).colorType).toBe(2);
		expect(
			pngRgba(rgb)
				.rgba.filter((_, i) => i % 4 === 3)
				.every((alpha) => alpha === 255),
		).toBe(true);
	});

	test('pads to a minimum size with a text chunk and stays valid', () => {
		const png = encodePng({ width: 2, height: 2, data: new Uint8Array(16) }, { minBytes: 5000 });
		expect(png.length).toBe(5000);
		expect(pngInfo(png).chunks).toEqual(['IHDR', 'IDAT', 'tEXt', 'IEND']);
	});

	test.each([0, 1, 2, 3, 4])('decodes rows written with filter %i', (filter) => {
		const samples = [
			[10, 20, 30, 200, 100, 50],
			[15, 25, 35, 190, 90, 40],
			[250, 5, 128, 0, 255, 7],
		];
		const decoded = decodePng(craftPng(2, 3, 2, samples, filter));
		expect([...decoded.data]).toEqual(
			samples.flatMap((row) => [...row.slice(0, 3), 255, ...row.slice(3), 255]),
		);
		expect(decoded.sourceHasAlpha).toBe(false);
	});

	test('decodes greyscale, grey+alpha and palette images with tRNS transparency', () => {
		expect([...decodePng(craftPng(2, 1, 0, [[0, 200]], 0)).data]).toEqual([
			0, 0, 0, 255, 200, 200, 200, 255,
		]);
		expect([...decodePng(craftPng(1, 1, 4, [[90, 30]], 0)).data]).toEqual([90, 90, 90, 30]);
		const palette = Buffer.from([255, 0, 0, 0, 0, 255]);
		const decoded = decodePng(craftPng(2, 1, 3, [[1, 0]], 0, [palette, Buffer.from([255, 0])]));
		expect([...decoded.data]).toEqual([0, 0, 255, 0, 255, 0, 0, 255]);
		expect(decoded.sourceHasAlpha).toBe(true);
	});

	test('rejects what it cannot read, with a PNG error', () => {
		expect(() => decodePng(Buffer.from('GIF89a not a png at all, really not'))).toThrow(
			PngFormatError,
		);
		const png = encodePng({ width: 1, height: 1, data: new Uint8Array(4) });
		const corrupt = Buffer.from(png);
		corrupt[corrupt.length - 20] ^= 0xff;
		expect(() => decodePng(corrupt)).toThrow(/CRC/);
		expect(readPngHeader(png)).toEqual({
			width: 1,
			height: 1,
			bitDepth: 8,
			colorType: 6,
			interlace: 0,
		});
	});
});

describe('ZIP writer', () => {
	test('writes stored entries that an independent reader lists with their data', () => {
		const files = [
			{ name: 'a_1_.png', data: Buffer.from('first') },
			{ name: 'b_2_.png', data: Buffer.alloc(1000, 7) },
		];
		const zip = createZip(
			files.map((file) => ({ ...file, modified: new Date(2026, 0, 2, 3, 4, 6) })),
		);
		expect(zipEntries(zip).map((entry) => [entry.name, entry.method, entry.data])).toEqual(
			files.map((f) => [f.name, 0, f.data]),
		);
		expect(zip.length).toBe(
			22 + files.reduce((sum, f) => sum + 30 + 46 + 2 * f.name.length + f.data.length, 0),
		);
	});
});

describe('FLAC writer', () => {
	test('uses the FLAC CRC-8 and CRC-16 variants', () => {
		expect(crc8(CHECK)).toBe(0xf4);
		expect(crc16(CHECK)).toBe(0xfee8);
	});

	test('writes STREAMINFO and verbatim frames that decode back to the samples', () => {
		const left = Int16Array.from({ length: 5000 }, (_, i) => Math.round(Math.sin(i / 10) * 10000));
		const right = Int16Array.from(left, (value) => -value);
		const flac = encodeFlac({ sampleRate: 44100, channels: [left, right], blockSize: 4096 });
		expect(flac.toString('latin1', 0, 4)).toBe('fLaC');
		expect(flac[4]).toBe(0x80); // last metadata block, STREAMINFO
		const info = flac.subarray(8, 42);
		const packed = info.readBigUInt64BE(10);
		expect([
			Number(packed >> 44n),
			Number((packed >> 41n) & 7n) + 1,
			Number((packed >> 36n) & 31n) + 1,
			Number(packed & 0xfffffffffn),
		]).toEqual([44100, 2, 16, 5000]);

		const decoded: number[][] = [[], []];
		let offset = 42;
		while (offset < flac.length) {
			expect(flac.readUInt16BE(offset)).toBe(0xfff8);
			const headerLength = flac[offset + 4] < 0x80 ? 8 : 9;
			expect(crc8(flac.subarray(offset, offset + headerLength - 1))).toBe(
				flac[offset + headerLength - 1],
			);
			const count = flac.readUInt16BE(offset + headerLength - 3) + 1;
			let cursor = offset + headerLength;
			for (const channel of decoded) {
				expect(flac[cursor++]).toBe(0x02);
				for (let i = 0; i < count; i++, cursor += 2) channel.push(flac.readInt16BE(cursor));
			}
			expect(crc16(flac.subarray(offset, cursor))).toBe(flac.readUInt16BE(cursor));
			offset = cursor + 2;
		}
		expect(decoded).toEqual([[...left], [...right]]);
	});

	test('grows to a minimum size with a PADDING block', () => {
		const flac = encodeFlac({
			sampleRate: 8000,
			channels: [new Int16Array(100)],
			minBytes: 10_000,
		});
		expect(flac.length).toBe(10_000);
		expect([flac[4] & 0x7f, flac[42] & 0x7f, flac[42] & 0x80]).toEqual([0, 1, 0x80]);
	});
});

describe('animated WebP writer', () => {
	test('writes VP8X, ANIM and one ANMF frame with a VP8L bitstream per frame', () => {
		const webp = encodeAnimatedWebp({
			width: 300,
			height: 200,
			frames: [
				{ color: [255, 0, 0, 255], durationMs: 42 },
				{ color: [0, 0, 255, 128], durationMs: 42 },
			],
		});
		expect(webp.toString('latin1', 0, 4)).toBe('RIFF');
		expect(webp.readUInt32LE(4)).toBe(webp.length - 8);
		const chunks: Array<{ type: string; payload: Buffer }> = [];
		for (let offset = 12; offset < webp.length; ) {
			const size = webp.readUInt32LE(offset + 4);
			chunks.push({
				type: webp.toString('latin1', offset, offset + 4),
				payload: webp.subarray(offset + 8, offset + 8 + size),
			});
			offset += 8 + size + (size % 2);
		}
		expect(chunks.map((chunk) => chunk.type)).toEqual(['VP8X', 'ANIM', 'ANMF', 'ANMF']);
		const vp8x = chunks[0].payload;
		expect([vp8x[0], vp8x.readUIntLE(4, 3) + 1, vp8x.readUIntLE(7, 3) + 1]).toEqual([
			0x12, 300, 200,
		]);
		for (const frame of chunks.slice(2)) {
			expect(frame.payload.toString('latin1', 16, 20)).toBe('VP8L');
			const bits = frame.payload.readUInt32LE(25);
			expect([frame.payload[24], (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1]).toEqual([
				0x2f, 300, 200,
			]);
		}
	});
});

describe('Python-style JSON', () => {
	test.each([
		[0, '0.0'],
		[100, '100.0'],
		[55.5, '55.5'],
		[5.55, '5.55'],
		[0.6, '0.6'],
		[0.0001, '0.0001'],
		[0.00001, '1e-05'],
		[1e16, '1e+16'],
		[123456789012345680, '1.2345678901234568e+17'],
		[-0.5, '-0.5'],
	])('writes the float %p as %s', (value, text) => {
		expect(pythonFloat(value)).toBe(text);
	});

	test('writes float fields with a fraction and other numbers as they are, compactly', () => {
		expect(
			toPythonJson({
				task_id: 7,
				progress: 10,
				execution_time: 1,
				error: '',
				list: [1, { reserve_vram: 1 }],
				none: null,
			}),
		).toBe(
			'{"task_id":7,"progress":10.0,"execution_time":1.0,"error":"","list":[1,{"reserve_vram":1.0}],"none":null}',
		);
	});
});
