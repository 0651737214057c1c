import { flowsLike } from '../../nodes/Visionatrix/shared/flowNames';
import type { InstalledFlow } from '../../nodes/Visionatrix/shared/types';

/** Names as in the published 2.7 catalog. */
const installed = (
	[
		['sdxl_lighting', 'SDXL Lighting'],
		['flux1_schnell', 'Flux Lighting'],
		['flux1_dev', 'Flux'],
		['photo_stickers', 'Photo Stickers'],
		['photo_stickers2', 'Photo Stickers 2'],
		['ace_step', ' ACE-Step Audio'],
	] as const
).map(([name, display_name]): InstalledFlow => ({ name, display_name, input_params: [] }));

const meant = (given: string) => flowsLike(given, installed).map((f) => f.name);

describe('the flow a name that matches none probably meant', () => {
	it('is the flow whose display name it is, whatever the case, spaces and dashes', () => {
		expect(meant('SDXL Lighting')).toEqual(['sdxl_lighting']);
		expect(meant('flux lighting')).toEqual(['flux1_schnell']);
		expect(meant('ACE-Step Audio')).toEqual(['ace_step']);
		expect(meant('Photo Stickers 2')).toEqual(['photo_stickers2']);
	});

	it('is the flow a typo of its id or display name misses by one edit in four characters', () => {
		expect(meant('sdxl_lightning')).toEqual(['sdxl_lighting']);
		expect(meant('SDXL-Lightning')).toEqual(['sdxl_lighting']);
		expect(meant('flux1_schnel')).toEqual(['flux1_schnell']);
	});

	it('is none for a name close to nothing installed, or empty', () => {
		expect(meant('remove_background_birefnet')).toEqual([]);
		expect(meant('')).toEqual([]);
		expect(flowsLike('sdxl_lighting', [])).toEqual([]);
	});

	it('lists the equally close ones, at most three', () => {
		expect(meant('photo_sticker')).toEqual(['photo_stickers']);
		expect(meant('photo_stickers3')).toEqual(['photo_stickers', 'photo_stickers2']);
	});
});
