/**
 * Runs workflows in a real n8n (installed by scripts/install-n8n.sh into .cache/n8n/<version>/)
 * with this package loaded the way users get it: linked into
 * `$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-visionatrix`, so node types are
 * `n8n-nodes-visionatrix.visionatrix`.
 *
 * Used by the demo (scripts/demo.ts), the end-to-end tests (test/e2e/), the hand testing launcher
 * (scripts/n8n-dev.ts) and the screenshot script. One file per job:
 *
 *   repo.ts              package name, node and credential types, the repository root
 *   install.ts           where the installed n8n and its Node 24 are
 *   free-port.ts         a free loopback port
 *   instance.ts          a fresh user folder with the package linked in, and its environment
 *   cli.ts               `n8n <command>` for an instance
 *   import.ts            credentials and workflows into the instance (`n8n import:*`)
 *   run-data.ts          the execution data `n8n execute --rawOutput` prints, and reading it
 *   execute.ts           `n8n execute`, and a whole one-shot run
 *   examples.ts          the workflows in examples/, made runnable here
 *   server.ts            `n8n start` on loopback, and the owner account it signs in with
 *   child-process.ts     the output, readiness and stop of the long-running processes below
 *   emulator-process.ts  the compiled Visionatrix emulator as a child process
 *   rest.ts              a running n8n from the outside: publish, sign in, read executions
 *   queue-mode.ts        Redis, n8n main and workers in queue mode
 *   session.ts           what every test of real n8n sets up: emulator, instance, credential, workflows
 *
 * Everything stays on loopback: telemetry, version checks, templates and the verified-packages
 * lookup are switched off, and the HTTP server / task broker listen on 127.0.0.1.
 */
export * from './repo';
export * from './install';
export * from './free-port';
export * from './instance';
export * from './cli';
export * from './import';
export * from './run-data';
export * from './execute';
export * from './examples';
export * from './server';
export * from './emulator-process';
