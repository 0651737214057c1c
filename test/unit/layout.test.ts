/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { INodePropertyOptions } from 'n8n-workflow';

import { Visionatrix } from '../../nodes/Visionatrix/Visionatrix.node';

const root = join(__dirname, '../..');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
	});
}

const code = (file: string) =>
	readFileSync(join(root, file), 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, '')
		.replace(/^\s*\/\/.*$/gm, '');

describe('the layout a newcomer walks', () => {
	const files = [...sourceFiles(join(root, 'nodes')), ...sourceFiles(join(root, 'credentials'))];

	it("writes each of the server's routes in shared/api.ts only", () => {
		const route = /['"`]\/(tasks|flows|other|settings|auth)\//;
		const writing = files.filter(
			(file) => file !== 'nodes/Visionatrix/shared/api.ts' && route.test(code(file)),
		);
		expect(writing).toEqual([]);
	});

	it('builds the [item N] suffix of an error message in shared/itemErrors.ts only', () => {
		const suffix = /\[item \$\{|\\\[item \\d/;
		expect(
			files.filter(
				(file) => file !== 'nodes/Visionatrix/shared/itemErrors.ts' && suffix.test(code(file)),
			),
		).toEqual([]);
	});

	it('keeps each operation in one file named after it, in its resource folder, and no second folder of operations', () => {
		const operations = new Visionatrix().description.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) =>
				(property.options as INodePropertyOptions[]).map(
					(option) =>
						`nodes/Visionatrix/resources/${String(property.displayOptions?.show?.resource?.[0])}/${String(option.value)}.ts`,
				),
			);
		expect(operations.length).toBeGreaterThan(10);
		expect(operations.filter((file) => !existsSync(join(root, file)))).toEqual([]);
		expect(existsSync(join(root, 'nodes/Visionatrix/actions'))).toBe(false);
	});

	it('never imports back up: shared/ and wait/ do not import resources/, shared/ does not import wait/', () => {
		const importsFrom = (file: string) =>
			[...code(file).matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((match) => match[1]);
		const upward = files.flatMap((file) => {
			const folder = /^nodes\/Visionatrix\/(shared|wait)\//.exec(file)?.[1];
			if (!folder) return [];
			const banned =
				folder === 'shared'
					? /^\.\.\/(resources|wait|actions)(\/|$)/
					: /^\.\.\/(resources|actions)(\/|$)/;
			return importsFrom(file)
				.filter((path) => banned.test(path))
				.map((path) => `${file} imports ${path}`);
		});
		expect(upward).toEqual([]);
	});
});
