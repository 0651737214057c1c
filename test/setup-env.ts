import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core reads these when it loads: keep its config out of the real home folder.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'vix-n8n-test-'));
process.env.N8N_ENCRYPTION_KEY ??= 'visionatrix-node-tests';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
