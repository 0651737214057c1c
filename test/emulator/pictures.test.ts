/** The emulator's generated picture and its cut-out, as a user would look at them. */
import { createHash } from 'node:crypto';

import { balloonPicture, cutOut } from './pictures';

const hashOf = (prompt: string) => createHash('sha256').update(prompt).digest();

describe.each([64, 256])('a %i px picture', (size) => {
	const picture = balloonPicture(hashOf('a hot air balloon over green hills'), size);
	const { image, kept } = cutOut(picture);
	const alpha = (x: number, y: number) => image.data[(y * size + x) * 4 + 3];

	it('cuts out the balloon: corners and hills transparent, a fifth of the picture or less kept', () => {
		const last = size - 1;
		expect([alpha(0, 0), alpha(last, 0), alpha(0, last), alpha(last, last)]).toEqual([0, 0, 0, 0]);
		expect(alpha(size >> 1, last - 2)).toBe(0);
		expect(kept).toBeGreaterThan(size * size * 0.05);
		expect(kept).toBeLessThan(size * size * 0.2);
	});

	it('keeps what it keeps unchanged and opaque, and one region only', () => {
		let [opaque, changed] = [0, 0];
		for (let p = 0; p < size * size; p++) {
			if (image.data[p * 4 + 3] === 0) continue;
			opaque++;
			const same = [0, 1, 2].every((c) => image.data[p * 4 + c] === picture.data[p * 4 + c]);
			if (!same || image.data[p * 4 + 3] !== 255) changed++;
		}
		expect(changed).toBe(0);
		expect(opaque).toBe(kept);
	});
});

it('another prompt draws another picture', () => {
	const [a, b] = ['a red fox', 'a castle'].map((p) => balloonPicture(hashOf(p), 64).data);
	expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
});
