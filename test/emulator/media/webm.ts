/**
 * Writes small WebM videos (what ComfyUI's SaveWEBM produces with its vp9 codec).
 *
 * Every frame is a 64×64 VP9 key frame of one superblock, predicted from nothing (DC), whose
 * transform blocks all end at once: a flat grey picture. A frame's compressed header and tile
 * data code nothing but zeros, and a boolean (arithmetic) coder writes zeros as zero bytes
 * whatever their probabilities, so they are plain zero bytes here. The container is Matroska with
 * the WebM doctype: EBML header, then a Segment with Info, one video track and one Cluster of
 * SimpleBlocks.
 */

export interface WebmOptions {
	frames: number;
	framesPerSecond: number;
	/** Written as the Segment's title; different titles give different bytes. */
	title?: string;
	/** Grow the file to at least this many bytes with a Void element. */
	minBytes?: number;
}

/** The picture's side in pixels: one 64×64 superblock. */
export const WEBM_FRAME_SIDE = 64;

/** Bits written most significant first. */
class BitWriter {
	private readonly bytes: number[] = [];
	private current = 0;
	private used = 0;

	write(value: number, bits: number): void {
		for (let i = bits - 1; i >= 0; i--) {
			this.current = (this.current << 1) | ((value >>> i) & 1);
			if (++this.used === 8) {
				this.bytes.push(this.current);
				this.current = 0;
				this.used = 0;
			}
		}
	}

	finish(): Buffer {
		if (this.used > 0) this.bytes.push(this.current << (8 - this.used));
		return Buffer.from(this.bytes);
	}
}

/** Bytes of the compressed header: 7 booleans, all zero (ONLY_4X4 transforms, no probability updates). */
const COMPRESSED_HEADER_BYTES = 8;
/** Bytes of the tile: about 400 zero booleans (partition, skip, modes, one end-of-block per transform). */
const TILE_BYTES = 256;

/** One VP9 key frame (profile 0, 8 bits, 4:2:0) of a flat grey 64×64 picture. */
function vp9KeyFrame(): Buffer {
	const bits = new BitWriter();
	bits.write(2, 2); // frame marker
	bits.write(0, 2); // profile 0
	bits.write(0, 1); // not a shown existing frame
	bits.write(0, 1); // key frame
	bits.write(1, 1); // shown
	bits.write(0, 1); // not error resilient
	bits.write(0x498342, 24); // sync code
	bits.write(1, 3); // colour space BT.601
	bits.write(0, 1); // studio range
	bits.write(WEBM_FRAME_SIDE - 1, 16);
	bits.write(WEBM_FRAME_SIDE - 1, 16);
	bits.write(0, 1); // render size is the frame size
	bits.write(0, 1); // no frame context refresh
	bits.write(1, 1); // frame-parallel decoding
	bits.write(0, 2); // frame context 0
	bits.write(0, 6); // loop filter level
	bits.write(0, 3); // sharpness
	bits.write(0, 1); // no loop filter deltas
	bits.write(60, 8); // base quantizer index (not lossless)
	bits.write(0, 3); // no quantizer deltas
	bits.write(0, 1); // no segmentation
	bits.write(0, 1); // one tile row (one tile column is the only choice at this width)
	bits.write(COMPRESSED_HEADER_BYTES, 16);
	return Buffer.concat([bits.finish(), Buffer.alloc(COMPRESSED_HEADER_BYTES + TILE_BYTES)]);
}

/** An EBML variable-size integer: a length marker, then the value. */
function vint(value: number): Buffer {
	for (let length = 1; length <= 8; length++) {
		if (value < 2 ** (7 * length) - 1) {
			const out = Buffer.alloc(length);
			let rest = value;
			for (let i = length - 1; i >= 0; i--) {
				out[i] = rest % 256;
				rest = Math.floor(rest / 256);
			}
			out[0] |= 0x80 >> (length - 1);
			return out;
		}
	}
	throw new RangeError(`EBML size ${value} is too large`);
}

function element(id: number, payload: Buffer): Buffer {
	// An element ID is written with its length marker included: 0xa3, 0x4286, 0x1a45dfa3.
	return Buffer.concat([Buffer.from(id.toString(16), 'hex'), vint(payload.length), payload]);
}

function uint(id: number, value: number): Buffer {
	const bytes: number[] = [];
	for (let rest = value; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256))
		bytes.unshift(rest % 256);
	return element(id, Buffer.from(bytes));
}

function float(id: number, value: number): Buffer {
	const payload = Buffer.alloc(8);
	payload.writeDoubleBE(value);
	return element(id, payload);
}

const text = (id: number, value: string) => element(id, Buffer.from(value, 'utf8'));

function simpleBlock(timecodeMs: number, frame: Buffer): Buffer {
	const header = Buffer.alloc(4);
	header[0] = 0x81; // track 1
	header.writeInt16BE(timecodeMs, 1);
	header[3] = 0x80; // key frame
	return element(0xa3, Buffer.concat([header, frame]));
}

/** A Void element (readers skip it) of at least `bytes` bytes, its ID and size included. */
function voidElement(bytes: number): Buffer {
	let payload = Math.max(0, bytes - 2);
	while (1 + vint(payload).length + payload < bytes) payload++;
	return element(0xec, Buffer.alloc(payload));
}

export function encodeWebm(options: WebmOptions): Buffer {
	const { frames, framesPerSecond } = options;
	if (!Number.isInteger(frames) || frames < 1) throw new RangeError('A video needs frames');
	const frameMs = 1000 / framesPerSecond;
	const frame = vp9KeyFrame();
	const header = element(
		0x1a45dfa3,
		Buffer.concat([
			uint(0x4286, 1), // EBML version
			uint(0x42f7, 1), // read version
			uint(0x42f2, 4), // max ID length
			uint(0x42f3, 8), // max size length
			text(0x4282, 'webm'),
			uint(0x4287, 4), // doctype version
			uint(0x4285, 2), // doctype read version
		]),
	);
	const info = element(
		0x1549a966,
		Buffer.concat([
			uint(0x2ad7b1, 1_000_000), // timecodes in milliseconds
			float(0x4489, frames * frameMs), // duration
			text(0x4d80, 'Visionatrix emulator'), // muxing app
			text(0x5741, 'Visionatrix emulator'), // writing app
			...(options.title ? [text(0x7ba9, options.title)] : []),
		]),
	);
	const track = element(
		0xae,
		Buffer.concat([
			uint(0xd7, 1), // track number
			uint(0x73c5, 1), // track UID
			uint(0x83, 1), // video
			uint(0x9c, 0), // no lacing
			text(0x86, 'V_VP9'),
			uint(0x23e383, Math.round(frameMs * 1_000_000)), // frame duration (ns)
			element(0xe0, Buffer.concat([uint(0xb0, WEBM_FRAME_SIDE), uint(0xba, WEBM_FRAME_SIDE)])),
		]),
	);
	const blocks = Array.from({ length: frames }, (_, index) =>
		simpleBlock(Math.round(index * frameMs), frame),
	);
	const cluster = element(0x1f43b675, Buffer.concat([uint(0xe7, 0), ...blocks]));
	const parts = [info, element(0x1654ae6b, track), cluster];
	const size = header.length + 12 + parts.reduce((sum, part) => sum + part.length, 0);
	const missing = (options.minBytes ?? 0) - size;
	if (missing > 0) parts.push(voidElement(missing));
	const segment = Buffer.concat(parts);
	// The Segment's size is written on 8 bytes, as muxers that patch it afterwards do.
	const segmentSize = Buffer.alloc(8);
	segmentSize.writeBigUInt64BE(BigInt(segment.length) | (1n << 56n));
	return Buffer.concat([header, Buffer.from([0x18, 0x53, 0x80, 0x67]), segmentSize, segment]);
}
