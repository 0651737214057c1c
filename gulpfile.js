const { src, dest } = require('gulp');

// Icons live in icons/ at the top level; the built nodes and credentials point at ../../icons/.
function buildIcons() {
	return src('icons/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

// The codex file (categories, documentation links) sits beside the built node.
function buildCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:icons'] = buildIcons;
exports['build:codex'] = buildCodex;
