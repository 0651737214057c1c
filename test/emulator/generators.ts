/**
 * The built-in result generators: small but real files whose content follows the task's inputs,
 * so different prompts or seeds give different bytes and the same ones give the same bytes.
 */
import { createHash } from 'node:crypto';

import { encodeFlac } from './media/flac';
import { encodeGlb } from './media/glb';
import { decodePng, encodePng, type RgbaImage } from './media/png';
import { encodeAnimatedWebp } from './media/webp';
import { encodeWebm } from './media/webm';
import { balloonPicture, cutOut } from './pictures';
import type { BuiltInGenerator, GeneratedFile, GeneratorInput, OutputGenerator } from './types';

/** Deterministic bytes derived from the given parts. */
function digest(...parts: Array<string | number>): Buffer {
	return createHash('sha256').update(parts.map(String).join('\u0000')).digest();
}

function intParam(
	input: GeneratorInput,
	name: string,
	fallback: number,
	min: number,
	max: number,
): number {
	const raw = input.inputParams[name];
	const value = typeof raw === 'number' ? raw : Number.parseInt(String(raw ?? ''), 10);
	if (!Number.isFinite(value)) return fallback;
	return Math.min(Math.max(Math.trunc(value), min), max);
}

function textParam(input: GeneratorInput, name: string): string {
	const raw = input.inputParams[name];
	return raw === undefined ? '' : String(raw);
}

const promptImage: OutputGenerator = (input) => {
	const files: GeneratedFile[] = [];
	for (let index = 0; index < input.batchSize; index++) {
		const hash = digest(
			input.flow,
			textParam(input, 'prompt'),
			textParam(input, 'negative_prompt'),
			textParam(input, 'steps_number'),
			input.seed,
			index,
		);
		files.push({
			extension: '.png',
			data: encodePng(balloonPicture(hash, input.pictureSize), {
				mode: 'rgb',
				minBytes: input.minBytes,
			}),
		});
	}
	return files;
};

/** Used when the input is not a PNG the emulator can read: a grey square on white. */
function placeholderPicture(): RgbaImage {
	const size = 64;
	const data = new Uint8Array(size * size * 4).fill(255);
	for (let y = 16; y < 48; y++)
		for (let x = 16; x < 48; x++) data.set([90, 90, 90, 255], (y * size + x) * 4);
	return { width: size, height: size, data };
}

/**
 * "Removes the background" (see `cutOut`). When that would leave nothing or everything, a centred
 * ellipse is kept as the subject, so the result always has both opaque and transparent pixels.
 */
const backgroundRemoval: OutputGenerator = (input) => {
	const source = input.inputFiles.get('input_image') ?? [...input.inputFiles.values()][0];
	let image: RgbaImage;
	try {
		image = source ? decodePng(source.data) : placeholderPicture();
	} catch {
		image = placeholderPicture();
	}
	const { width, height } = image;
	const cut = cutOut(image);
	const out = cut.image.data;
	if (cut.kept === 0 || cut.kept === width * height) {
		const [cx, cy, rx, ry] = [
			(width - 1) / 2,
			(height - 1) / 2,
			Math.max(width / 3, 1),
			Math.max(height / 3, 1),
		];
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
				out[(y * width + x) * 4 + 3] = inside ? image.data[(y * width + x) * 4 + 3] : 0;
			}
		}
	}
	return [
		{
			extension: '.png',
			data: encodePng({ width, height, data: out }, { mode: 'rgba', minBytes: input.minBytes }),
		},
	];
};

/** A quarter second of a stereo tone at 44.1 kHz whose pitch follows prompt and seed. */
const toneAudio: OutputGenerator = (input) => {
	const hash = digest(input.flow, textParam(input, 'prompt'), input.seed);
	const sampleRate = 44100;
	const length = Math.round(sampleRate * 0.25);
	const frequency = 220 + (hash.readUInt16BE(0) % 660);
	const left = new Int16Array(length);
	const right = new Int16Array(length);
	for (let i = 0; i < length; i++) {
		const envelope = Math.min(1, i / 400, (length - i) / 400);
		const value = Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 12000 * envelope;
		left[i] = Math.round(value);
		right[i] = Math.round(value * 0.8);
	}
	return [
		{
			extension: '.flac',
			data: encodeFlac({ sampleRate, channels: [left, right], minBytes: input.minBytes }),
		},
	];
};

/** How many frames a short clip of the flow's frame count gets: one per 8, from 2 to 12. */
function clipFrames(input: GeneratorInput, fallback: number): number {
	return Math.min(
		Math.max(Math.round(intParam(input, 'frames_count', fallback, 8, 256) / 8), 2),
		12,
	);
}

/** A short animated WebP: a few solid-colour frames at 24 fps, sized by the flow's width/height. */
const animatedWebp: OutputGenerator = (input) => {
	const hash = digest(input.flow, textParam(input, 'prompt'), input.seed);
	const width = intParam(input, 'width', 768, 16, 1024);
	const height = intParam(input, 'height', 512, 16, 1024);
	const frameCount = clipFrames(input, 48);
	const frames = Array.from({ length: frameCount }, (_, index) => ({
		color: [hash[index % 32], hash[(index + 7) % 32], hash[(index + 13) % 32], 255] as [
			number,
			number,
			number,
			number,
		],
		durationMs: 42,
	}));
	return [
		{
			extension: '.webp',
			data: encodeAnimatedWebp({ width, height, frames, minBytes: input.minBytes }),
		},
	];
};

/** A short WebM (VP9) clip at 24 fps, its title following prompt and seed. */
const webmVideo: OutputGenerator = (input) => {
	const hash = digest(input.flow, textParam(input, 'prompt'), input.seed);
	return [
		{
			extension: '.webm',
			data: encodeWebm({
				frames: clipFrames(input, 24),
				framesPerSecond: 24,
				title: `emulated ${hash.toString('hex', 0, 8)}`,
				minBytes: input.minBytes,
			}),
		},
	];
};

/** A box whose proportions follow the input files and seed (a 3D model from pictures). */
const glbModel: OutputGenerator = (input) => {
	const hash = digest(
		input.flow,
		input.seed,
		...[...input.inputFiles.values()].map((file) =>
			createHash('sha256').update(file.data).digest('hex'),
		),
	);
	const side = (byte: number) => 0.5 + byte / 255;
	return [
		{
			extension: '.glb',
			data: encodeGlb({
				size: [side(hash[0]), side(hash[1]), side(hash[2])],
				minBytes: input.minBytes,
			}),
		},
	];
};

/** A plain-text "answer" that quotes the prompt. */
const textAnswer: OutputGenerator = (input) => {
	let text = `Emulated answer (seed ${input.seed}): you asked "${textParam(input, 'prompt')}".\n`;
	const size = Buffer.byteLength(text);
	if (size < input.minBytes) text += ' '.repeat(input.minBytes - size - 1) + '\n';
	return [{ extension: '.txt', data: Buffer.from(text, 'utf8') }];
};

export const BUILT_IN_GENERATORS: Record<BuiltInGenerator, OutputGenerator> = {
	'prompt-image': promptImage,
	'background-removal': backgroundRemoval,
	'tone-audio': toneAudio,
	'animated-webp': animatedWebp,
	'webm-video': webmVideo,
	'glb-model': glbModel,
	'text-answer': textAnswer,
};
