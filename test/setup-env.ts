/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core reads these when it loads: keep its config out of the real home folder.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'vix-n8n-test-'));
process.env.N8N_ENCRYPTION_KEY ??= 'visionatrix-node-tests';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
