/* eslint-disable
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * A small PNG codec: enough to produce real images for emulated results and to read the images
 * clients upload.
 *
 * - encode: 8-bit truecolour, with (RGBA, colour type 6) or without (RGB, colour type 2) alpha.
 * - decode: 8-bit, non-interlaced; greyscale, greyscale+alpha, RGB, RGBA and palette images,
 *   including `tRNS` transparency. Everything is converted to RGBA.
 */
import { deflateSync, inflateSync } from 'node:zlib';

import { crc32 } from './crc32';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An image as 8-bit RGBA samples, four bytes per pixel, rows from top to bottom. */
export interface RgbaImage {
	width: number;
	height: number;
	data: Uint8Array;
}

export interface EncodePngOptions {
	/** `rgba` (default) keeps the alpha channel; `rgb` drops it. */
	mode?: 'rgba' | 'rgb';
	/** `tEXt` chunks to add (keyword → Latin-1 text). */
	text?: Record<string, string>;
	/** Grow the file to at least this many bytes with a `tEXt` padding chunk. */
	minBytes?: number;
}

export interface PngHeader {
	width: number;
	height: number;
	bitDepth: number;
	colorType: number;
	interlace: number;
}

export interface DecodedPng extends RgbaImage {
	header: PngHeader;
	/** Whether the source carried transparency (an alpha channel or a `tRNS` chunk). */
	sourceHasAlpha: boolean;
}

export class PngFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PngFormatError';
	}
}

const CHANNELS_BY_COLOR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunk(type: string, payload: Uint8Array): Buffer {
	const out = Buffer.alloc(12 + payload.length);
	out.writeUInt32BE(payload.length, 0);
	out.write(type, 4, 'latin1');
	Buffer.from(payload.buffer, payload.byteOffset, payload.length).copy(out, 8);
	out.writeUInt32BE(crc32(out.subarray(4, 8 + payload.length)), 8 + payload.length);
	return out;
}

function textChunk(keyword: string, text: string): Buffer {
	return chunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
}

export function encodePng(image: RgbaImage, options: EncodePngOptions = {}): Buffer {
	const { width, height, data } = image;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`Invalid PNG size ${width}x${height}`);
	}
	if (data.length !== width * height * 4) {
		throw new RangeError(`Expected ${width * height * 4} RGBA bytes, got ${data.length}`);
	}
	const withAlpha = (options.mode ?? 'rgba') === 'rgba';
	const channels = withAlpha ? 4 : 3;
	const stride = width * channels;
	// Every row starts with its filter type byte; filter 0 (None) keeps the encoder trivial.
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) {
		const rowStart = y * (stride + 1);
		raw[rowStart] = 0;
		for (let x = 0; x < width; x++) {
			const src = (y * width + x) * 4;
			const dst = rowStart + 1 + x * channels;
			raw[dst] = data[src];
			raw[dst + 1] = data[src + 1];
			raw[dst + 2] = data[src + 2];
			if (withAlpha) raw[dst + 3] = data[src + 3];
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = withAlpha ? 6 : 2; // colour type
	ihdr[10] = 0; // deflate
	ihdr[11] = 0; // adaptive filtering
	ihdr[12] = 0; // no interlace

	const parts: Buffer[] = [PNG_SIGNATURE, chunk('IHDR', ihdr)];
	for (const [keyword, text] of Object.entries(options.text ?? {}))
		parts.push(textChunk(keyword, text));
	parts.push(chunk('IDAT', deflateSync(raw)));
	const iend = chunk('IEND', new Uint8Array(0));

	const size = parts.reduce((sum, part) => sum + part.length, 0) + iend.length;
	const minBytes = options.minBytes ?? 0;
	if (size < minBytes) {
		// A tEXt chunk costs 12 bytes of framing plus "Padding\0" (8 bytes) before the filler.
		const filler = Math.max(1, minBytes - size - 20);
		parts.push(textChunk('Padding', ' '.repeat(filler)));
	}
	parts.push(iend);
	return Buffer.concat(parts);
}

/** Reads the `IHDR` of a PNG without decoding the pixels. */
export function readPngHeader(png: Uint8Array): PngHeader {
	const buf = Buffer.from(png.buffer, png.byteOffset, png.length);
	if (buf.length < 33 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
		throw new PngFormatError('Not a PNG file (bad signature)');
	}
	if (buf.toString('latin1', 12, 16) !== 'IHDR')
		throw new PngFormatError('PNG does not start with IHDR');
	return {
		width: buf.readUInt32BE(16),
		height: buf.readUInt32BE(20),
		bitDepth: buf[24],
		colorType: buf[25],
		interlace: buf[28],
	};
}

export function isPng(data: Uint8Array): boolean {
	return data.length >= 8 && Buffer.from(data.buffer, data.byteOffset, 8).equals(PNG_SIGNATURE);
}

function paeth(left: number, up: number, upLeft: number): number {
	const p = left + up - upLeft;
	const pa = Math.abs(p - left);
	const pb = Math.abs(p - up);
	const pc = Math.abs(p - upLeft);
	if (pa <= pb && pa <= pc) return left;
	return pb <= pc ? up : upLeft;
}

function unfilter(inflated: Buffer, header: PngHeader, channels: number): Uint8Array {
	const stride = header.width * channels;
	const out = new Uint8Array(stride * header.height);
	if (inflated.length < (stride + 1) * header.height)
		throw new PngFormatError('PNG image data is truncated');
	for (let y = 0; y < header.height; y++) {
		const filter = inflated[y * (stride + 1)];
		const src = y * (stride + 1) + 1;
		const row = y * stride;
		const prev = row - stride;
		for (let i = 0; i < stride; i++) {
			const raw = inflated[src + i];
			const left = i >= channels ? out[row + i - channels] : 0;
			const up = y > 0 ? out[prev + i] : 0;
			const upLeft = y > 0 && i >= channels ? out[prev + i - channels] : 0;
			let value: number;
			switch (filter) {
				case 0:
					value = raw;
					break;
				case 1:
					value = raw + left;
					break;
				case 2:
					value = raw + up;
					break;
				case 3:
					value = raw + ((left + up) >> 1);
					break;
				case 4:
					value = raw + paeth(left, up, upLeft);
					break;
				default:
					throw new PngFormatError(`Unknown PNG row filter ${filter}`);
			}
			out[row + i] = value & 0xff;
		}
	}
	return out;
}

export function decodePng(png: Uint8Array): DecodedPng {
	const header = readPngHeader(png);
	const buf = Buffer.from(png.buffer, png.byteOffset, png.length);
	const channels = CHANNELS_BY_COLOR_TYPE[header.colorType];
	if (channels === undefined)
		throw new PngFormatError(`Invalid PNG colour type ${header.colorType}`);
	if (header.bitDepth !== 8)
		throw new PngFormatError(`Unsupported PNG bit depth ${header.bitDepth} (only 8)`);
	if (header.interlace !== 0) throw new PngFormatError('Interlaced PNG images are not supported');

	const idat: Buffer[] = [];
	let palette: Buffer | undefined;
	let transparency: Buffer | undefined;
	let offset = 8;
	let ended = false;
	while (offset + 12 <= buf.length) {
		const length = buf.readUInt32BE(offset);
		const type = buf.toString('latin1', offset + 4, offset + 8);
		const end = offset + 12 + length;
		if (end > buf.length) throw new PngFormatError(`PNG chunk ${type} is truncated`);
		const payload = buf.subarray(offset + 8, offset + 8 + length);
		if (
			crc32(buf.subarray(offset + 4, offset + 8 + length)) !== buf.readUInt32BE(offset + 8 + length)
		) {
			throw new PngFormatError(`PNG chunk ${type} has a bad CRC`);
		}
		if (type === 'IDAT') idat.push(payload);
		else if (type === 'PLTE') palette = payload;
		else if (type === 'tRNS') transparency = payload;
		else if (type === 'IEND') {
			ended = true;
			break;
		}
		offset = end;
	}
	if (!ended) throw new PngFormatError('PNG has no IEND chunk');
	if (idat.length === 0) throw new PngFormatError('PNG has no image data');
	if (header.colorType === 3 && !palette)
		throw new PngFormatError('Palette PNG without PLTE chunk');

	let inflated: Buffer;
	try {
		inflated = inflateSync(Buffer.concat(idat));
	} catch (error) {
		throw new PngFormatError(`PNG image data cannot be inflated: ${(error as Error).message}`);
	}
	const samples = unfilter(inflated, header, channels);
	const pixelCount = header.width * header.height;
	const data = new Uint8Array(pixelCount * 4);
	const keyed = (r: number, g: number, b: number): boolean => {
		if (!transparency) return false;
		if (header.colorType === 0)
			return transparency.length >= 2 && transparency.readUInt16BE(0) === r;
		return (
			transparency.length >= 6 &&
			transparency.readUInt16BE(0) === r &&
			transparency.readUInt16BE(2) === g &&
			transparency.readUInt16BE(4) === b
		);
	};
	for (let p = 0; p < pixelCount; p++) {
		const s = p * channels;
		const d = p * 4;
		switch (header.colorType) {
			case 0: {
				const v = samples[s];
				data.set([v, v, v, keyed(v, v, v) ? 0 : 255], d);
				break;
			}
			case 2: {
				const [r, g, b] = [samples[s], samples[s + 1], samples[s + 2]];
				data.set([r, g, b, keyed(r, g, b) ? 0 : 255], d);
				break;
			}
			case 3: {
				const index = samples[s];
				if ((index + 1) * 3 > palette!.length)
					throw new PngFormatError(`Palette index ${index} out of range`);
				const alpha = transparency && index < transparency.length ? transparency[index] : 255;
				data.set([palette![index * 3], palette![index * 3 + 1], palette![index * 3 + 2], alpha], d);
				break;
			}
			case 4:
				data.set([samples[s], samples[s], samples[s], samples[s + 1]], d);
				break;
			default:
				data.set([samples[s], samples[s + 1], samples[s + 2], samples[s + 3]], d);
		}
	}
	const sourceHasAlpha =
		header.colorType === 4 || header.colorType === 6 || transparency !== undefined;
	return { width: header.width, height: header.height, data, header, sourceHasAlpha };
}
