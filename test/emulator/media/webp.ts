/**
 * Writes small animated WebP files (the format ComfyUI's SaveAnimatedWEBP produces).
 *
 * Each frame is a solid colour encoded as a lossless (VP8L) bitstream whose five prefix codes each
 * hold a single symbol, so the pixels themselves take no bits. The container is the extended
 * format: VP8X, ANIM, then one ANMF chunk per frame.
 */

export interface SolidFrame {
	/** RGBA colour of the whole frame. */
	color: [number, number, number, number];
	durationMs: number;
}

export interface AnimatedWebpOptions {
	width: number;
	height: number;
	frames: SolidFrame[];
	/** 0 = loop forever. */
	loopCount?: number;
	/** Grow the file to at least this many bytes with an unknown (ignored) chunk. */
	minBytes?: number;
}

class BitWriter {
	private readonly bytes: number[] = [];
	private current = 0;
	private used = 0;

	write(value: number, bits: number): void {
		for (let i = 0; i < bits; i++) {
			this.current |= ((value >>> i) & 1) << this.used;
			this.used++;
			if (this.used === 8) {
				this.bytes.push(this.current);
				this.current = 0;
				this.used = 0;
			}
		}
	}

	finish(): Buffer {
		if (this.used > 0) this.bytes.push(this.current);
		return Buffer.from(this.bytes);
	}
}

function writeSingleSymbolCode(bits: BitWriter, symbol: number): void {
	bits.write(1, 1); // simple code
	bits.write(0, 1); // one symbol
	if (symbol > 1) {
		bits.write(1, 1); // the symbol takes 8 bits
		bits.write(symbol, 8);
	} else {
		bits.write(0, 1); // the symbol takes 1 bit
		bits.write(symbol, 1);
	}
}

function solidVp8l(
	width: number,
	height: number,
	[r, g, b, a]: [number, number, number, number],
): Buffer {
	const bits = new BitWriter();
	bits.write(0x2f, 8); // VP8L signature
	bits.write(width - 1, 14);
	bits.write(height - 1, 14);
	bits.write(a < 255 ? 1 : 0, 1); // alpha is used
	bits.write(0, 3); // version
	bits.write(0, 1); // no transforms
	bits.write(0, 1); // no colour cache
	bits.write(0, 1); // no meta prefix codes
	writeSingleSymbolCode(bits, g); // green + length prefixes
	writeSingleSymbolCode(bits, r);
	writeSingleSymbolCode(bits, b);
	writeSingleSymbolCode(bits, a);
	writeSingleSymbolCode(bits, 0); // distance
	return bits.finish();
}

function riffChunk(fourcc: string, payload: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.write(fourcc, 0, 'latin1');
	header.writeUInt32LE(payload.length, 4);
	return Buffer.concat([header, payload, payload.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function uint24(value: number): Buffer {
	const out = Buffer.alloc(3);
	out.writeUIntLE(value, 0, 3);
	return out;
}

export function encodeAnimatedWebp(options: AnimatedWebpOptions): Buffer {
	const { width, height, frames } = options;
	if (width < 1 || height < 1 || width > 16384 || height > 16384) {
		throw new RangeError(`Invalid WebP size ${width}x${height}`);
	}
	if (frames.length === 0) throw new RangeError('An animation needs at least one frame');
	const hasAlpha = frames.some((frame) => frame.color[3] < 255);

	const vp8x = Buffer.concat([
		Buffer.from([(hasAlpha ? 0x10 : 0) | 0x02, 0, 0, 0]), // flags: alpha, animation
		uint24(width - 1),
		uint24(height - 1),
	]);
	const anim = Buffer.alloc(6);
	anim.writeUInt32LE(0xffffffff, 0); // background colour (BGRA), white
	anim.writeUInt16LE(options.loopCount ?? 0, 4);

	const chunks: Buffer[] = [riffChunk('VP8X', vp8x), riffChunk('ANIM', anim)];
	for (const frame of frames) {
		const header = Buffer.concat([
			uint24(0), // x / 2
			uint24(0), // y / 2
			uint24(width - 1),
			uint24(height - 1),
			uint24(Math.min(Math.max(Math.round(frame.durationMs), 0), 0xffffff)),
			Buffer.from([0x02]), // do not blend, do not dispose
		]);
		chunks.push(
			riffChunk(
				'ANMF',
				Buffer.concat([header, riffChunk('VP8L', solidVp8l(width, height, frame.color))]),
			),
		);
	}
	let body = Buffer.concat(chunks);
	const size = 12 + body.length;
	const minBytes = options.minBytes ?? 0;
	if (size < minBytes) {
		// Unknown chunks after the frames are ignored by readers.
		body = Buffer.concat([body, riffChunk('PADD', Buffer.alloc(Math.max(0, minBytes - size - 8)))]);
	}
	const riff = Buffer.alloc(12);
	riff.write('RIFF', 0, 'latin1');
	riff.writeUInt32LE(4 + body.length, 4);
	riff.write('WEBP', 8, 'latin1');
	return Buffer.concat([riff, body]);
}
