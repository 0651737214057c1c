/**
 * Writes 16-bit PCM audio as FLAC (what ComfyUI's SaveAudio produces). The encoder stores every
 * subframe VERBATIM: the files are valid FLAC, just not smaller than the raw samples.
 */
import { createHash } from 'node:crypto';

export interface FlacOptions {
	sampleRate: number;
	/** One Int16Array per channel (1–8 channels), all of the same length. */
	channels: Int16Array[];
	/** Samples per frame, default 4096. */
	blockSize?: number;
	/** Grow the file to at least this many bytes with a PADDING metadata block. */
	minBytes?: number;
}

const SAMPLE_RATE_CODES: Record<number, number> = {
	88200: 1,
	176400: 2,
	192000: 3,
	8000: 4,
	16000: 5,
	22050: 6,
	24000: 7,
	32000: 8,
	44100: 9,
	48000: 10,
	96000: 11,
};

/** CRC-8 of frame headers (polynomial 0x07). */
export function crc8(data: Uint8Array): number {
	let crc = 0;
	for (const byte of data) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
	}
	return crc;
}

/** CRC-16 of whole frames (polynomial 0x8005). */
export function crc16(data: Uint8Array): number {
	let crc = 0;
	for (const byte of data) {
		crc ^= byte << 8;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
	}
	return crc;
}

/** FLAC's "UTF-8 like" coding of frame numbers. */
function codedNumber(value: number): number[] {
	if (value < 0x80) return [value];
	const bytes: number[] = [];
	let remaining = value;
	let payloadBitsInFirst = 6;
	while (remaining >= 1 << payloadBitsInFirst) {
		bytes.unshift(0x80 | (remaining & 0x3f));
		remaining = Math.floor(remaining / 64);
		payloadBitsInFirst--;
	}
	const count = bytes.length + 1;
	const prefix = (0xff << (8 - count)) & 0xff;
	return [prefix | remaining, ...bytes];
}

function metadataBlock(type: number, payload: Buffer, last: boolean): Buffer {
	const header = Buffer.alloc(4);
	header[0] = (last ? 0x80 : 0) | type;
	header.writeUIntBE(payload.length, 1, 3);
	return Buffer.concat([header, payload]);
}

export function encodeFlac(options: FlacOptions): Buffer {
	const { sampleRate, channels } = options;
	const channelCount = channels.length;
	if (channelCount < 1 || channelCount > 8) throw new RangeError('FLAC needs 1 to 8 channels');
	const totalSamples = channels[0].length;
	if (channels.some((channel) => channel.length !== totalSamples))
		throw new RangeError('Channels differ in length');
	const blockSize = options.blockSize ?? 4096;
	if (blockSize < 16 || blockSize > 65535)
		throw new RangeError('FLAC block size must be 16..65535');

	// The MD5 in STREAMINFO covers the samples interleaved, little-endian.
	const interleaved = Buffer.alloc(totalSamples * channelCount * 2);
	for (let i = 0; i < totalSamples; i++) {
		for (let c = 0; c < channelCount; c++)
			interleaved.writeInt16LE(channels[c][i], (i * channelCount + c) * 2);
	}
	const md5 = createHash('md5').update(interleaved).digest();

	const frames: Buffer[] = [];
	const rateCode = SAMPLE_RATE_CODES[sampleRate];
	for (
		let start = 0, frameNumber = 0;
		start < totalSamples || frameNumber === 0;
		start += blockSize, frameNumber++
	) {
		const count = Math.min(blockSize, totalSamples - start);
		if (count <= 0) break;
		const header = [
			0xff,
			0xf8,
			(0x7 << 4) | (rateCode ?? 0),
			((channelCount - 1) << 4) | (0x4 << 1),
		];
		header.push(...codedNumber(frameNumber), ((count - 1) >> 8) & 0xff, (count - 1) & 0xff);
		header.push(crc8(Uint8Array.from(header)));
		const body = Buffer.alloc(channelCount * (1 + count * 2));
		let offset = 0;
		for (let c = 0; c < channelCount; c++) {
			body[offset++] = 0x02; // VERBATIM subframe, no wasted bits
			for (let i = 0; i < count; i++, offset += 2)
				body.writeInt16BE(channels[c][start + i], offset);
		}
		const frame = Buffer.concat([Buffer.from(header), body]);
		const footer = Buffer.alloc(2);
		footer.writeUInt16BE(crc16(frame), 0);
		frames.push(Buffer.concat([frame, footer]));
	}

	const streamInfo = Buffer.alloc(34);
	streamInfo.writeUInt16BE(blockSize, 0);
	streamInfo.writeUInt16BE(blockSize, 2);
	const frameSizes = frames.map((frame) => frame.length);
	streamInfo.writeUIntBE(frameSizes.length ? Math.min(...frameSizes) : 0, 4, 3);
	streamInfo.writeUIntBE(frameSizes.length ? Math.max(...frameSizes) : 0, 7, 3);
	const packed =
		(BigInt(sampleRate) << 44n) |
		(BigInt(channelCount - 1) << 41n) |
		(BigInt(16 - 1) << 36n) |
		BigInt(totalSamples);
	streamInfo.writeBigUInt64BE(packed, 10);
	md5.copy(streamInfo, 18);

	const audioBytes = frames.reduce((sum, frame) => sum + frame.length, 0);
	const unpadded = 4 + 4 + streamInfo.length + audioBytes;
	const minBytes = options.minBytes ?? 0;
	const blocks: Buffer[] = [];
	if (unpadded < minBytes) {
		blocks.push(metadataBlock(0, streamInfo, false));
		const padding = Math.min(Math.max(minBytes - unpadded - 4, 0), 0xffffff);
		blocks.push(metadataBlock(1, Buffer.alloc(padding), true));
	} else {
		blocks.push(metadataBlock(0, streamInfo, true));
	}
	return Buffer.concat([Buffer.from('fLaC', 'latin1'), ...blocks, ...frames]);
}
