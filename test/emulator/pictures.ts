/**
 * The pictures the emulator "generates" and "cuts out": drawn, not run through a model, but made to
 * look like the real thing. A generated picture is a hot-air balloon over hills at sunrise (its
 * colours, place and weather follow the prompt's hash); a cut-out keeps what a background remover
 * keeps: the outlined subject, with everything that reaches the border in soft steps made transparent.
 */
import type { RgbaImage } from './media/png';

type Rgb = [number, number, number];

/** Sky (top, horizon) and sun colours that read as a sunrise, picked by the hash. */
const SKIES: Array<{ top: Rgb; horizon: Rgb; sun: Rgb }> = [
	{ top: [72, 118, 196], horizon: [250, 196, 150], sun: [255, 236, 180] },
	{ top: [96, 84, 170], horizon: [252, 170, 140], sun: [255, 222, 170] },
	{ top: [58, 140, 210], horizon: [214, 232, 246], sun: [255, 250, 220] },
	{ top: [40, 70, 140], horizon: [246, 150, 110], sun: [255, 210, 150] },
];
const BALLOON_COLOURS: Rgb[] = [
	[222, 56, 58],
	[246, 178, 40],
	[44, 122, 214],
	[46, 168, 110],
	[150, 70, 190],
	[242, 242, 236],
	[238, 110, 40],
];
const OUTLINE: Rgb = [44, 32, 48];
const BASKET: Rgb = [150, 96, 52];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
	a[0] + (b[0] - a[0]) * t,
	a[1] + (b[1] - a[1]) * t,
	a[2] + (b[2] - a[2]) * t,
];
const shade = (c: Rgb, f: number): Rgb => [c[0] * f, c[1] * f, c[2] * f];

interface Scene {
	sky: (typeof SKIES)[number];
	sun: { x: number; y: number };
	clouds: Array<{ x: number; y: number; r: number }>;
	ridges: Array<{ base: number; phase: number; colour: Rgb }>;
	balloon: { x: number; y: number; r: number; stripes: [Rgb, Rgb]; gores: number };
}

function scene(hash: Buffer): Scene {
	const unit = (i: number) => hash[i % hash.length] / 255;
	const first = BALLOON_COLOURS[hash[3] % BALLOON_COLOURS.length];
	const others = BALLOON_COLOURS.filter((colour) => colour !== first);
	return {
		sky: SKIES[hash[0] % SKIES.length],
		sun: { x: 0.15 + 0.7 * unit(1), y: 0.5 + 0.12 * unit(2) },
		clouds: [0, 1, 2].map((i) => ({
			x: unit(10 + i),
			y: 0.1 + 0.3 * unit(13 + i),
			r: 0.06 + 0.06 * unit(16 + i),
		})),
		ridges: [
			{ base: 0.62, phase: 6 * unit(19), colour: [120, 150, 170] },
			{ base: 0.76, phase: 6 * unit(20), colour: [70, 140, 60] },
		],
		balloon: {
			x: 0.32 + 0.36 * unit(4),
			y: 0.27 + 0.08 * unit(5),
			r: 0.17 + 0.04 * unit(6),
			stripes: [first, others[hash[7] % others.length]],
			gores: 6 + (hash[8] % 3) * 2,
		},
	};
}

/** Half the envelope's width at height y: round on top, narrowing to the mouth. */
function envelopeHalfWidth(b: Scene['balloon'], y: number): number {
	const dy = y - b.y;
	if (dy < -b.r) return -1;
	if (dy <= 0) return Math.sqrt(b.r * b.r - dy * dy);
	const t = dy / (1.25 * b.r);
	if (t > 1) return -1;
	return b.r * (0.26 + 0.74 * Math.cos((t * Math.PI) / 2));
}

/** The balloon's colour at (x, y), or undefined where it is not. `line` is the outline's width. */
function balloonAt(b: Scene['balloon'], x: number, y: number, line: number): Rgb | undefined {
	const half = envelopeHalfWidth(b, y);
	const dx = x - b.x;
	if (half > 0 && Math.abs(dx) <= half) {
		const inner = envelopeHalfWidth(b, y + (y < b.y ? line : -line)) - line;
		if (Math.abs(dx) > inner || y < b.y - b.r + line) return OUTLINE;
		const longitude = Math.asin(Math.max(-1, Math.min(1, dx / half)));
		const gore = Math.floor(((longitude / Math.PI + 0.5) * b.gores) % b.gores);
		const light = 1.08 - 0.45 * (dx / half) ** 2 - 0.15 * Math.max(0, (y - b.y) / b.r);
		return shade(b.stripes[gore % 2], light);
	}
	const mouth = b.y + 1.25 * b.r;
	const basketTop = mouth + 0.32 * b.r;
	const basketHalf = 0.2 * b.r;
	if (y >= basketTop && y <= basketTop + 0.3 * b.r && Math.abs(dx) <= basketHalf) {
		const edge =
			Math.abs(dx) > basketHalf - line || y < basketTop + line || y > basketTop + 0.3 * b.r - line;
		return edge ? OUTLINE : shade(BASKET, 0.9 + 0.1 * Math.sin(y * 900));
	}
	// Four ropes from the mouth's rim down to the basket's corners.
	if (y > mouth && y < basketTop) {
		const t = (y - mouth) / (basketTop - mouth);
		for (const side of [-1, -0.4, 0.4, 1]) {
			const ropeX = side * (0.26 * b.r * (1 - t) + basketHalf * t);
			if (Math.abs(dx - ropeX) <= line * 0.6) return OUTLINE;
		}
	}
	return undefined;
}

function backgroundAt(s: Scene, x: number, y: number): Rgb {
	let colour = mix(s.sky.top, s.sky.horizon, Math.min(1, y / 0.7) ** 1.3);
	const sunDistance = Math.hypot(x - s.sun.x, y - s.sun.y);
	colour = mix(colour, s.sky.sun, Math.exp(-((sunDistance / 0.14) ** 2)));
	for (const cloud of s.clouds) {
		const d = Math.hypot((x - cloud.x) / 1.8, y - cloud.y) / cloud.r;
		if (d < 3) colour = mix(colour, [250, 250, 252], 0.7 * Math.exp(-(d ** 2)));
	}
	for (const ridge of s.ridges) {
		const top =
			ridge.base + 0.04 * Math.sin(x * 7 + ridge.phase) + 0.02 * Math.sin(x * 17 + ridge.phase);
		if (y > top) colour = shade(ridge.colour, 1 - 0.5 * (y - top));
	}
	return colour;
}

/** Where a pixel is sampled: its centre, or four points when the picture is big enough to show it. */
const SAMPLES = {
	one: [[0.5, 0.5]],
	four: [
		[0.25, 0.25],
		[0.75, 0.25],
		[0.25, 0.75],
		[0.75, 0.75],
	],
};

/** A size×size sunrise with a hot-air balloon. */
export function balloonPicture(hash: Buffer, size: number): RgbaImage {
	const s = scene(hash);
	const line = Math.max(1.5, size / 170) / size;
	const samples = size >= 128 ? SAMPLES.four : SAMPLES.one;
	const data = new Uint8Array(size * size * 4);
	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			let [r, g, b] = [0, 0, 0];
			for (const [ox, oy] of samples) {
				const x = (px + ox) / size;
				const y = (py + oy) / size;
				const colour = balloonAt(s.balloon, x, y, line) ?? backgroundAt(s, x, y);
				[r, g, b] = [r + colour[0], g + colour[1], b + colour[2]];
			}
			const byte = (sum: number) => Math.min(255, Math.round(sum / samples.length));
			data.set([byte(r), byte(g), byte(b), 255], (py * size + px) * 4);
		}
	}
	return { width: size, height: size, data };
}

/**
 * What a background remover does, as a magic wand from the edges: every pixel reached from the
 * border through neighbours of a close colour becomes transparent. Returns the result and how many
 * pixels stayed opaque.
 */
export function cutOut(image: RgbaImage, step = 40): { image: RgbaImage; kept: number } {
	const { width, height, data } = image;
	const out = new Uint8Array(data);
	const removed = new Uint8Array(width * height);
	const queue: number[] = [];
	const reach = (p: number) => {
		if (removed[p]) return;
		removed[p] = 1;
		out[p * 4 + 3] = 0;
		queue.push(p);
	};
	for (let x = 0; x < width; x++) [x, (height - 1) * width + x].forEach(reach);
	for (let y = 0; y < height; y++) [y * width, y * width + width - 1].forEach(reach);
	const close = (a: number, b: number) =>
		Math.abs(data[a * 4] - data[b * 4]) +
			Math.abs(data[a * 4 + 1] - data[b * 4 + 1]) +
			Math.abs(data[a * 4 + 2] - data[b * 4 + 2]) <
		step;
	while (queue.length > 0) {
		const p = queue.pop()!;
		const x = p % width;
		for (const q of [
			x > 0 ? p - 1 : -1,
			x < width - 1 ? p + 1 : -1,
			p - width,
			p + width < width * height ? p + width : -1,
		]) {
			if (q >= 0 && !removed[q] && close(p, q)) reach(q);
		}
	}
	return { image: { width, height, data: out }, kept: keepLargestRegion(out, removed, width) };
}

/**
 * Makes every opaque region but the largest (8-connected) transparent too: the blended pixels
 * along a hard edge in the background are left over by the wand, not part of the subject.
 * Returns the size of the region kept.
 */
function keepLargestRegion(out: Uint8Array, removed: Uint8Array, width: number): number {
	const region = new Int32Array(removed.length).fill(-1);
	const sizes: number[] = [];
	for (let start = 0; start < removed.length; start++) {
		if (removed[start] || region[start] >= 0) continue;
		const id = sizes.length;
		const stack = [start];
		region[start] = id;
		let size = 0;
		while (stack.length > 0) {
			const p = stack.pop()!;
			size++;
			const x = p % width;
			for (let dy = -width; dy <= width; dy += width) {
				for (let dx = x > 0 ? -1 : 0; dx <= (x < width - 1 ? 1 : 0); dx++) {
					const q = p + dy + dx;
					if (q >= 0 && q < removed.length && !removed[q] && region[q] < 0) {
						region[q] = id;
						stack.push(q);
					}
				}
			}
		}
		sizes.push(size);
	}
	if (sizes.length === 0) return 0;
	const largest = sizes.indexOf(Math.max(...sizes));
	for (let p = 0; p < removed.length; p++) if (region[p] !== largest) out[p * 4 + 3] = 0;
	return sizes[largest];
}
