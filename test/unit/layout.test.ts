import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

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
		const writing = files.filter((file) => file !== 'nodes/Visionatrix/shared/api.ts' && route.test(code(file)));
		expect(writing).toEqual([]);
	});

	it('builds the [item N] suffix of an error message in shared/itemErrors.ts only', () => {
		const suffix = /\[item \$\{|\\\[item \\d/;
		expect(files.filter((file) => file !== 'nodes/Visionatrix/shared/itemErrors.ts' && suffix.test(code(file)))).toEqual([]);
	});
});
