/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/** Unit tests of the emulator's own file codecs and JSON writer. */
import { deflateSync, crc32 as zlibCrc32 } from 'node:zlib';

import { crc32 } from './media/crc32';
import { crc16, crc8, encodeFlac } from './media/flac';
import { decodePng, encodePng, PngFormatError, readPngHeader } from './media/png';
import { encodeGlb } from './media/glb';
import { encodeAnimatedWebp } from './media/webp';
import { encodeWebm, WEBM_FRAME_SIDE } from './media/webm';
import { createZip } from './media/zip';
import { markFloat, pythonFloat, toPythonJson } from './http/pyjson';
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

/** An EBML element: its ID (length marker kept), where its payload starts and how long it is. */
interface EbmlElement {
	id: number;
	start: number;
	size: number;
}

function readVint(
	data: Buffer,
	at: number,
	keepMarker: boolean,
): { value: number; length: number } {
	const length = Math.clz32(data[at]) - 23;
	let value = keepMarker ? data[at] : data[at] & (0xff >> length);
	for (let i = 1; i < length; i++) value = value * 256 + data[at + i];
	return { value, length };
}

function ebmlChildren(data: Buffer, start = 0, end = data.length): EbmlElement[] {
	const children: EbmlElement[] = [];
	for (let at = start; at < end; ) {
		const id = readVint(data, at, true);
		const size = readVint(data, at + id.length, false);
		const payload = at + id.length + size.length;
		children.push({ id: id.value, start: payload, size: size.value });
		at = payload + size.value;
	}
	return children;
}

function child(data: Buffer, parent: EbmlElement, id: number): EbmlElement {
	return ebmlChildren(data, parent.start, parent.start + parent.size).find((e) => e.id === id)!;
}

const payloadOf = (data: Buffer, element: EbmlElement) =>
	data.subarray(element.start, element.start + element.size);

describe('WebM writer', () => {
	test('writes a Matroska file of doctype webm with one VP9 track and a key frame per block', () => {
		const data = encodeWebm({ frames: 3, framesPerSecond: 24, title: 'waves' });
		const [header, segment, ...rest] = ebmlChildren(data);
		expect(rest).toEqual([]);
		expect(header.id).toBe(0x1a45dfa3);
		expect(payloadOf(data, child(data, header, 0x4282)).toString()).toBe('webm');
		expect(segment.id).toBe(0x18538067);
		expect(segment.start + segment.size).toBe(data.length);
		const info = child(data, segment, 0x1549a966);
		expect(payloadOf(data, child(data, info, 0x7ba9)).toString()).toBe('waves');
		expect(payloadOf(data, child(data, info, 0x4489)).readDoubleBE()).toBeCloseTo(125);
		const track = child(data, child(data, segment, 0x1654ae6b), 0xae);
		expect(payloadOf(data, child(data, track, 0x86)).toString()).toBe('V_VP9');
		const video = child(data, track, 0xe0);
		expect(payloadOf(data, child(data, video, 0xb0))[0]).toBe(WEBM_FRAME_SIDE);
		const cluster = child(data, segment, 0x1f43b675);
		const blocks = ebmlChildren(data, cluster.start, cluster.start + cluster.size).filter(
			(e) => e.id === 0xa3,
		);
		expect(blocks).toHaveLength(3);
		for (const [index, block] of blocks.entries()) {
			const bytes = payloadOf(data, block);
			expect(bytes[0]).toBe(0x81); // track 1
			expect(bytes.readInt16BE(1)).toBe(Math.round((index * 1000) / 24));
			expect(bytes[3]).toBe(0x80); // key frame
			// VP9: frame marker, profile 0, shown key frame; then the sync code and the 64×64 size.
			expect([...bytes.subarray(4, 8)]).toEqual([0x82, 0x49, 0x83, 0x42]);
			expect((bytes.readUInt32BE(8) >>> 12) & 0xffff).toBe(WEBM_FRAME_SIDE - 1);
		}
	});

	test('grows to a minimum size with a Void element, and titles make different files', () => {
		const big = encodeWebm({ frames: 2, framesPerSecond: 24, minBytes: 5000 });
		expect(big.length).toBeGreaterThanOrEqual(5000);
		expect(big.length).toBeLessThan(5010);
		const segment = ebmlChildren(big)[1];
		expect(ebmlChildren(big, segment.start, big.length).at(-1)!.id).toBe(0xec);
		expect(encodeWebm({ frames: 2, framesPerSecond: 24, title: 'a' })).not.toEqual(
			encodeWebm({ frames: 2, framesPerSecond: 24, title: 'b' }),
		);
	});
});

describe('GLB writer', () => {
	test('writes a glTF 2.0 binary: a box whose positions lie within the bounds it declares', () => {
		const data = encodeGlb({ size: [1, 2, 0.5] });
		expect(data.toString('latin1', 0, 4)).toBe('glTF');
		expect(data.readUInt32LE(4)).toBe(2);
		expect(data.readUInt32LE(8)).toBe(data.length);
		const jsonLength = data.readUInt32LE(12);
		expect(data.toString('latin1', 16, 20)).toBe('JSON');
		const gltf = JSON.parse(data.toString('utf8', 20, 20 + jsonLength));
		const binAt = 20 + jsonLength;
		expect(data.toString('latin1', binAt + 4, binAt + 8)).toBe('BIN\0');
		const bin = data.subarray(binAt + 8, binAt + 8 + data.readUInt32LE(binAt));
		expect(bin.length).toBe(gltf.buffers[0].byteLength);
		expect([jsonLength % 4, bin.length % 4]).toEqual([0, 0]);
		const [positions, indices] = gltf.accessors;
		expect(positions).toMatchObject({ count: 8, type: 'VEC3', min: [-0.5, -1, -0.25] });
		const corners = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 96));
		for (let i = 0; i < 24; i++) {
			expect(corners[i]).toBeGreaterThanOrEqual(positions.min[i % 3]);
			expect(corners[i]).toBeLessThanOrEqual(positions.max[i % 3]);
		}
		const view = gltf.bufferViews[indices.bufferView];
		const triangles = new Uint16Array(
			bin.buffer.slice(bin.byteOffset + view.byteOffset, bin.byteOffset + view.byteOffset + 72),
		);
		expect(triangles).toHaveLength(indices.count);
		expect(Math.max(...triangles)).toBe(7);
	});

	test('grows to a minimum size inside its buffer', () => {
		const data = encodeGlb({ size: [1, 1, 1], minBytes: 3000 });
		expect(data.length).toBeGreaterThanOrEqual(3000);
		expect(data.readUInt32LE(8)).toBe(data.length);
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

	test('writes a number read as a float from a recording as a float', () => {
		const param = { name: 'length', default: 45, step: 1, min: 5.5 };
		markFloat(param, 'default');
		expect(toPythonJson([param])).toBe('[{"name":"length","default":45.0,"step":1,"min":5.5}]');
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
