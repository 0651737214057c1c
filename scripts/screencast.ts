/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- a developer script, run by Node.js and never shipped */
/**
 * A page recorded as a video, for `npm run demo:video`. Playwright's own recorder needs an ffmpeg
 * build it downloads, which cannot be fetched here; instead Chromium's DevTools screencast
 * (`Page.startScreencast`) sends a JPEG each time the page repaints, each is written with the time
 * it came, and Debian's ffmpeg shows each frame until the next one came: an MP4 at a steady frame
 * rate, and from it a small GIF. The holds the recorder asks for (a caption to read, a picture to
 * look at) keep their length; the rest, the actions, is sped up when it took longer than
 * ACTION_SECONDS (a busy machine is slow to repaint), and a still picture outside a hold lasts at
 * most MAX_STILL: the video's length does not depend on the machine's load.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CDPSession } from 'playwright-core';

export interface Frame {
	file: string;
	/** Seconds since the recording started. */
	at: number;
}

export interface Recording {
	frames: Frame[];
	/** Seconds since the recording started at which the video ends. */
	end: number;
	/** Stretches of time (seconds since the start) shown at their full length. */
	holds: Array<[number, number]>;
}

export interface Screencast {
	/** Seconds since the recording started. */
	elapsed(): number;
	/** Waits, and keeps the wait in the video at its full length. */
	hold(ms: number): Promise<void>;
	/** Stops after the last frame has been on screen for `holdSeconds`. */
	stop(holdSeconds: number): Promise<Recording>;
}

/** The longest a still picture stays on screen outside a hold, in seconds. */
export const MAX_STILL = 0.5;
/** The time the actions (everything outside the holds) may take in the video, in seconds. */
export const ACTION_SECONDS = 45;

/** Starts the screencast of the page behind `cdp`, writing frames into `dir`. */
export async function startScreencast(
	cdp: CDPSession,
	dir: string,
	size: { width: number; height: number },
): Promise<Screencast> {
	const started = Date.now();
	const now = () => (Date.now() - started) / 1000;
	const frames: Frame[] = [];
	const holds: Recording['holds'] = [];
	const hold = async (ms: number) => {
		holds.push([now(), now() + ms / 1000]);
		await new Promise((resolve) => setTimeout(resolve, ms));
	};
	let stopped = false;
	// A frame that cannot be written fails the recording at stop(), not the process from here.
	let failure: Error | undefined;
	cdp.on('Page.screencastFrame', ({ data, sessionId }) => {
		if (stopped || failure) return;
		const file = join(dir, `frame-${String(frames.length).padStart(5, '0')}.jpg`);
		try {
			writeFileSync(file, Buffer.from(data, 'base64'));
		} catch (error) {
			failure = error as Error;
			return;
		}
		frames.push({ file, at: now() });
		cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => undefined);
	});
	await cdp.send('Page.startScreencast', {
		format: 'jpeg',
		quality: 90,
		maxWidth: size.width,
		maxHeight: size.height,
		everyNthFrame: 1,
	});
	return {
		elapsed: now,
		hold,
		stop: async (holdSeconds) => {
			await hold(holdSeconds * 1000);
			stopped = true;
			await cdp.send('Page.stopScreencast');
			if (failure) throw failure;
			return { frames, end: now(), holds };
		},
	};
}

/**
 * ffmpeg's concat list: each frame for as long as it was on screen, within the limits above. The
 * last frame is named twice: the concat demuxer reads the last duration only then.
 */
export function concatList({ frames, end, holds }: Recording): string {
	if (frames.length === 0) throw new Error('The screencast sent no frame.');
	const held = (from: number, to: number) =>
		holds.some(([start, stop]) => start < to && stop > from);
	const shown = frames.map((frame, index) => {
		const until = index + 1 < frames.length ? frames[index + 1].at : end;
		const length = Math.max(until - frame.at, 0.001);
		return held(frame.at, until)
			? { length, held: true }
			: { length: Math.min(length, MAX_STILL), held: false };
	});
	const acting = shown.filter((s) => !s.held).reduce((sum, s) => sum + s.length, 0);
	const speed = Math.max(1, acting / ACTION_SECONDS);
	const lines: string[] = [];
	let total = 0;
	frames.forEach((frame, index) => {
		const length = shown[index].held ? shown[index].length : shown[index].length / speed;
		total += length;
		lines.push(`file '${frame.file}'`, `duration ${length.toFixed(3)}`);
	});
	lines.push(`file '${frames[frames.length - 1].file}'`);
	return `# ${total.toFixed(3)} s, actions at ${speed.toFixed(2)}x\n${lines.join('\n')}\n`;
}

function ffmpeg(args: string[]): void {
	const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
		encoding: 'utf8',
	});
	if (result.error) throw new Error(`ffmpeg could not start: ${result.error.message}`);
	if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed:\n${result.stderr}`);
}

/** The MP4 (H.264, 25 frames a second) of a recording. */
export function encodeMp4(recording: Recording, dir: string, out: string): void {
	const list = join(dir, 'frames.txt');
	writeFileSync(list, concatList(recording));
	ffmpeg([
		...['-f', 'concat', '-safe', '0', '-i', list],
		...['-vf', 'fps=25,format=yuv420p', '-c:v', 'libx264', '-preset', 'slow', '-crf', '28'],
		...['-movflags', '+faststart', out],
	]);
}

/** A GIF of the MP4 for the README: `width` pixels wide, `fps` frames a second, one palette. */
export function encodeGif(mp4: string, out: string, width: number, fps: number): void {
	ffmpeg([
		...['-i', mp4, '-vf'],
		`fps=${fps},scale=${width}:-1:flags=lanczos,split[a][b];` +
			'[a]palettegen=max_colors=128:stats_mode=diff[p];' +
			'[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle',
		out,
	]);
}
