#!/usr/bin/env node
// package.json's prepublishOnly: the package is published only by .github/workflows/publish.yml on
// a version tag, with an npm provenance statement (n8n verifies only packages published that way).
// Anywhere else this refuses, saying how to release instead.
'use strict';

const PUBLISH_WORKFLOW = '/.github/workflows/publish.yml@';

if (
	process.env.GITHUB_ACTIONS === 'true' &&
	(process.env.GITHUB_WORKFLOW_REF ?? '').includes(PUBLISH_WORKFLOW)
) {
	process.exit(0);
}
console.error(
	[
		'Refusing to publish n8n-nodes-visionatrix from here: it is published only by GitHub Actions',
		'(.github/workflows/publish.yml), with an npm provenance statement, which n8n requires to verify it.',
		'To release: bump the version in package.json and CHANGELOG.md, commit, tag it (git tag v1.2.3)',
		'and push the tag (git push origin v1.2.3). See "Releasing" in README.md.',
	].join('\n'),
);
process.exit(1);
