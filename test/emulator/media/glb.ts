/**
 * Writes small binary glTF 2.0 files (GLB, what ComfyUI's SaveGLB produces): one mesh, a box of
 * the given size, as indexed triangles. The header and its two chunks: the JSON description
 * (padded with spaces) and the binary buffer of positions and indices (padded with zeros).
 */

export interface GlbOptions {
	/** The box's width, height and depth. */
	size: [number, number, number];
	/** Written as the asset's generator; different names give different bytes. */
	generator?: string;
	/** Grow the file to at least this many bytes with zeros after the buffer's data. */
	minBytes?: number;
}

const FLOAT = 5126;
const UNSIGNED_SHORT = 5123;
const ARRAY_BUFFER = 34962;
const ELEMENT_ARRAY_BUFFER = 34963;

/** The 8 corners and 12 triangles of a box centred on the origin. */
function box([x, y, z]: [number, number, number]) {
	const corners: number[] = [];
	for (let i = 0; i < 8; i++)
		corners.push(i & 1 ? x / 2 : -x / 2, i & 2 ? y / 2 : -y / 2, i & 4 ? z / 2 : -z / 2);
	// Two triangles per face, counter-clockwise seen from outside.
	const faces = [
		[0, 2, 3, 1],
		[4, 5, 7, 6],
		[0, 1, 5, 4],
		[2, 6, 7, 3],
		[0, 4, 6, 2],
		[1, 3, 7, 5],
	];
	const indices = faces.flatMap(([a, b, c, d]) => [a, b, c, a, c, d]);
	return { corners, indices };
}

function padded(data: Buffer, multiple: number, fill: number): Buffer {
	const extra = (multiple - (data.length % multiple)) % multiple;
	return Buffer.concat([data, Buffer.alloc(extra, fill)]);
}

function chunk(type: number, data: Buffer): Buffer {
	const header = Buffer.alloc(8);
	header.writeUInt32LE(data.length, 0);
	header.writeUInt32LE(type, 4);
	return Buffer.concat([header, data]);
}

export function encodeGlb(options: GlbOptions): Buffer {
	const { corners, indices } = box(options.size);
	const positions = Buffer.from(new Float32Array(corners).buffer);
	const indexBytes = padded(Buffer.from(new Uint16Array(indices).buffer), 4, 0);
	const half = options.size.map((side) => Math.fround(side / 2));
	let binary: Buffer = Buffer.concat([positions, indexBytes]);
	const gltf = {
		asset: { version: '2.0', generator: options.generator ?? 'Visionatrix emulator' },
		scene: 0,
		scenes: [{ nodes: [0] }],
		nodes: [{ mesh: 0 }],
		meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1 }] }],
		buffers: [{ byteLength: 0 }],
		bufferViews: [
			{ buffer: 0, byteOffset: 0, byteLength: positions.length, target: ARRAY_BUFFER },
			{
				buffer: 0,
				byteOffset: positions.length,
				byteLength: indices.length * 2,
				target: ELEMENT_ARRAY_BUFFER,
			},
		],
		accessors: [
			{
				bufferView: 0,
				componentType: FLOAT,
				count: 8,
				type: 'VEC3',
				min: half.map((value) => -value),
				max: half,
			},
			{ bufferView: 1, componentType: UNSIGNED_SHORT, count: indices.length, type: 'SCALAR' },
		],
	};
	const size = () =>
		12 + 8 + padded(Buffer.from(JSON.stringify(gltf)), 4, 0x20).length + 8 + binary.length;
	gltf.buffers[0].byteLength = binary.length;
	const missing = (options.minBytes ?? 0) - size();
	if (missing > 0) {
		binary = padded(Buffer.concat([binary, Buffer.alloc(missing)]), 4, 0);
		gltf.buffers[0].byteLength = binary.length;
	}
	const json = padded(Buffer.from(JSON.stringify(gltf)), 4, 0x20);
	const body = Buffer.concat([chunk(0x4e4f534a, json), chunk(0x004e4942, binary)]);
	const header = Buffer.alloc(12);
	header.writeUInt32LE(0x46546c67, 0); // glTF
	header.writeUInt32LE(2, 4);
	header.writeUInt32LE(12 + body.length, 8);
	return Buffer.concat([header, body]);
}
