/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * The README is one page and the depth is in docs/: a reader who follows a link lands on a file
 * that exists, at a heading that exists. Checked for every relative link of README.md and
 * docs/*.md (GitHub's anchor rules: lower case, punctuation dropped, spaces to hyphens).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { REPO_ROOT } from './tarball';

const pages = [
	'README.md',
	...readdirSync(join(REPO_ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

function text(page: string): string {
	return readFileSync(join(REPO_ROOT, page), 'utf8');
}

/** GitHub's anchor of a heading. */
function anchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/`/g, '')
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');
}

function anchorsOf(page: string): Set<string> {
	const withoutCode = text(page).replace(/```[\s\S]*?```/g, '');
	return new Set(
		[...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchor(heading)),
	);
}

/** Relative links `[label](target)` outside code blocks. */
function linksOf(page: string): string[] {
	const withoutCode = text(page).replace(/```[\s\S]*?```/g, '');
	return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
		.map(([, target]) => target)
		.filter((target) => !/^[a-z]+:/i.test(target));
}

describe('README and docs/', () => {
	it('keep the README to one page: under 250 lines', () => {
		expect(text('README.md').split('\n').length).toBeLessThan(250);
	});

	it.each(pages)('%s: every relative link reaches a file and heading that exist', (page) => {
		const broken: string[] = [];
		for (const link of linksOf(page)) {
			const [path, hash] = link.split('#');
			const target = path === '' ? page : relative(REPO_ROOT, join(REPO_ROOT, dirname(page), path));
			if (!existsSync(join(REPO_ROOT, target))) broken.push(`${link} (no file ${target})`);
			else if (hash && target.endsWith('.md') && !anchorsOf(target).has(hash))
				broken.push(`${link} (no heading #${hash} in ${target})`);
		}
		expect(broken).toEqual([]);
	});

	it('link every docs page from the README or another page', () => {
		const linked = new Set(
			pages.flatMap((page) =>
				linksOf(page).map((link) =>
					relative(REPO_ROOT, join(REPO_ROOT, dirname(page), link.split('#')[0] || page)),
				),
			),
		);
		expect(pages.filter((page) => page !== 'README.md' && !linked.has(page))).toEqual([]);
	});
});
