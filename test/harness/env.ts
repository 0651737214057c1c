/* eslint-disable
	@n8n/community-nodes/no-restricted-globals
	-- test code, run by Node.js and never shipped */
// Imported before n8n-core by the harness: defaults that must be in place before n8n's config loads.
// n8n's logger prints every node error with its stack; keep test output quiet unless asked for.
process.env.N8N_LOG_LEVEL ??= 'silent';
