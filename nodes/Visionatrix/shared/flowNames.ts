import type { InstalledFlow } from './types';

/**
 * The installed flows a flow name that matches none probably meant: the flow whose display name it
 * is ("SDXL Lighting" → sdxl_lighting), or whose id or display name it misses by a typo.
 */

/** Lower case, every run of other characters one "_": "SDXL Lighting" and "sdxl-lighting" → "sdxl_lighting". */
function asId(text: string): string {
	return text
		.trim()
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/** Edits (insert, delete, replace one character) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const replace = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
			current[j] = Math.min(replace, previous[j] + 1, current[j - 1] + 1);
		}
		previous = current;
	}
	return previous[b.length];
}

/** A typo: at most one edit in four characters, and at least one allowed. */
const closeEnough = (distance: number, length: number) =>
	distance <= Math.max(1, Math.floor(length / 4));

/** Up to three flows the name probably meant, the closest first; none when nothing is close. */
export function flowsLike(name: string, installed: InstalledFlow[]): InstalledFlow[] {
	const wanted = asId(name);
	if (!wanted) return [];
	const scored = installed.map((flow) => ({
		flow,
		distance: Math.min(
			editDistance(wanted, asId(flow.name)),
			editDistance(wanted, asId(flow.display_name)),
		),
	}));
	const best = Math.min(...scored.map((s) => s.distance));
	if (!closeEnough(best, wanted.length)) return [];
	return scored
		.filter((s) => s.distance === best)
		.slice(0, 3)
		.map((s) => s.flow);
}

/** ": did you mean sdxl_lighting (SDXL Lighting)?", or nothing when no installed flow is close. */
export function didYouMean(name: string, installed: InstalledFlow[]): string {
	const like = flowsLike(name, installed).map((f) => `${f.name} (${f.display_name.trim()})`);
	return like.length ? `: did you mean ${like.join(' or ')}?` : '';
}
