/**
 * The demo video's timing (scripts/screencast.ts): what ffmpeg is told to show, and for how long.
 * The recording itself needs Chromium and ffmpeg and is not part of the tests (`npm run demo:video`).
 */
import { ACTION_SECONDS, concatList, MAX_STILL, type Recording } from '../../scripts/screencast';

const frames = (...times: number[]) => times.map((at, i) => ({ file: `/f/${i}.jpg`, at }));

/** The frames and durations the list gives ffmpeg, and the total it states. */
function shown(recording: Recording) {
	const list = concatList(recording);
	const files = [...list.matchAll(/^file '(.+)'$/gm)].map((m) => m[1]);
	const durations = [...list.matchAll(/^duration (.+)$/gm)].map((m) => Number(m[1]));
	const total = Number(/^# ([\d.]+) s/m.exec(list)![1]);
	return { files, durations, total };
}

it('shows each frame until the next came, the last until the end, and names the last twice', () => {
	const result = shown({ frames: frames(0, 0.2, 0.5), end: 0.9, holds: [] });
	expect(result.files).toEqual(['/f/0.jpg', '/f/1.jpg', '/f/2.jpg', '/f/2.jpg']);
	expect(result.durations).toEqual([0.2, 0.3, 0.4]);
	expect(result.total).toBeCloseTo(0.9, 3);
});

it('cuts a still stretch to MAX_STILL, but keeps a hold at its full length', () => {
	const recording = {
		frames: frames(0, 6, 7, 12),
		end: 15,
		holds: [
			[7.2, 10],
			[12, 15],
		] as Array<[number, number]>,
	};
	expect(shown(recording).durations).toEqual([MAX_STILL, MAX_STILL, 5, 3]);
});

it('speeds the actions up to fit ACTION_SECONDS, and leaves the holds as they were', () => {
	// Frames every 0.25 s for twice the action budget, then a 4 s hold on the last one.
	const times = Array.from({ length: ACTION_SECONDS * 8 }, (_, i) => i * 0.25);
	const last = times.at(-1)! + 0.25;
	const recording: Recording = {
		frames: frames(...times, last),
		end: last + 4,
		holds: [[last, last + 4]],
	};
	const { durations, total } = shown(recording);
	expect(durations.slice(0, -1).every((d) => d === 0.125)).toBe(true);
	expect(durations.at(-1)).toBe(4);
	expect(total).toBeCloseTo(ACTION_SECONDS + 4, 3);
});

it('refuses a recording without frames', () => {
	expect(() => concatList({ frames: [], end: 1, holds: [] })).toThrow(/no frame/);
});
