const { src, dest } = require('gulp');

// Icons live in icons/ at the top level; the built nodes and credentials point at ../../icons/.
function buildIcons() {
	return src('icons/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

exports['build:icons'] = buildIcons;
