/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * Runs a Visionatrix emulator until SIGINT/SIGTERM.
 *
 *   node cli.js [--port N] [--no-auth] [--legacy] [--task-ms N] [--workers N]
 *               [--output-bytes N] [--picture-size N] [--catalog] [--user name:password[:admin]]...
 *
 * `--catalog`: every flow of the published catalog installed (publishedCatalog.ts), when the
 * recordings are there; the built-in flows otherwise.
 *
 * Environment (flags win): VIX_EMULATOR_PORT, VIX_EMULATOR_AUTH=0, VIX_EMULATOR_LEGACY=1,
 * VIX_EMULATOR_TASK_MS, VIX_EMULATOR_WORKERS, VIX_EMULATOR_OUTPUT_BYTES, VIX_EMULATOR_PICTURE_SIZE,
 * VIX_EMULATOR_CATALOG=1,
 * VIX_EMULATOR_USERS="admin:admin:admin,alice:alice".
 */
import { startEmulator } from './emulator';
import { publishedOrBuiltInFlows } from './publishedCatalog';
import type { EmulatorOptions, EmulatorUser, VisionatrixEmulator } from './types';
import { DEFAULT_USERS } from './users';

const USAGE =
	'Usage: cli [--port N] [--no-auth] [--legacy] [--task-ms N] [--workers N] [--output-bytes N] [--picture-size N] [--catalog] [--user name:password[:admin]]...';

const isOff = (value: string) => ['0', 'false', 'off', 'no'].includes(value.toLowerCase());

class UsageError extends Error {}

function parseUser(spec: string): EmulatorUser {
	const [username, password, role, ...rest] = spec.split(':');
	if (
		!username ||
		password === undefined ||
		rest.length > 0 ||
		(role !== undefined && role !== 'admin')
	) {
		throw new UsageError(`Bad user "${spec}": expected name:password or name:password:admin`);
	}
	return { username, password, isAdmin: role === 'admin' };
}

function parseCount(name: string, text: string | undefined): number {
	const value = Number(text);
	if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < 0) {
		throw new UsageError(`${name} needs a whole number ≥ 0, got "${text ?? ''}"`);
	}
	return value;
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): EmulatorOptions {
	const options: EmulatorOptions = {};
	if (env.VIX_EMULATOR_PORT) options.port = parseCount('VIX_EMULATOR_PORT', env.VIX_EMULATOR_PORT);
	if (env.VIX_EMULATOR_AUTH) options.auth = !isOff(env.VIX_EMULATOR_AUTH);
	if (env.VIX_EMULATOR_LEGACY && !isOff(env.VIX_EMULATOR_LEGACY)) options.apiVersion = 'legacy';
	if (env.VIX_EMULATOR_CATALOG && !isOff(env.VIX_EMULATOR_CATALOG))
		options.flows = publishedOrBuiltInFlows();
	if (env.VIX_EMULATOR_TASK_MS)
		options.taskDurationMs = parseCount('VIX_EMULATOR_TASK_MS', env.VIX_EMULATOR_TASK_MS);
	if (env.VIX_EMULATOR_WORKERS)
		options.workers = parseCount('VIX_EMULATOR_WORKERS', env.VIX_EMULATOR_WORKERS);
	if (env.VIX_EMULATOR_OUTPUT_BYTES) {
		options.outputBytes = parseCount('VIX_EMULATOR_OUTPUT_BYTES', env.VIX_EMULATOR_OUTPUT_BYTES);
	}
	if (env.VIX_EMULATOR_PICTURE_SIZE)
		options.pictureSize = parseCount('VIX_EMULATOR_PICTURE_SIZE', env.VIX_EMULATOR_PICTURE_SIZE);
	if (env.VIX_EMULATOR_USERS)
		options.users = env.VIX_EMULATOR_USERS.split(',').filter(Boolean).map(parseUser);

	const cliUsers: EmulatorUser[] = [];
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] =
			argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i]];
		const value = (): string => {
			if (inline !== undefined) return inline;
			const next = argv[++i];
			if (next === undefined) throw new UsageError(`${flag} needs a value`);
			return next;
		};
		switch (flag) {
			case '--port':
				options.port = parseCount('--port', value());
				break;
			case '--no-auth':
				options.auth = false;
				break;
			case '--auth':
				options.auth = true;
				break;
			case '--legacy':
				options.apiVersion = 'legacy';
				break;
			case '--task-ms':
				options.taskDurationMs = parseCount('--task-ms', value());
				break;
			case '--workers':
				options.workers = parseCount('--workers', value());
				break;
			case '--output-bytes':
				options.outputBytes = parseCount('--output-bytes', value());
				break;
			case '--picture-size':
				options.pictureSize = parseCount('--picture-size', value());
				break;
			case '--catalog':
				options.flows = publishedOrBuiltInFlows();
				break;
			case '--user':
				cliUsers.push(parseUser(value()));
				break;
			case '--help':
			case '-h':
				throw new UsageError(USAGE);
			default:
				throw new UsageError(`Unknown option "${argv[i]}"\n${USAGE}`);
		}
	}
	if (cliUsers.length > 0) options.users = cliUsers;
	return options;
}

export function describe(url: string, options: EmulatorOptions): string {
	const prefix = options.apiVersion === 'legacy' ? '/api' : '/vapi';
	const users = (options.users ?? DEFAULT_USERS).map((user) => user.username).join(', ');
	const flows = options.flows ? `, ${options.flows.length} flows` : '';
	return `Visionatrix emulator listening on ${url} (prefix ${prefix}, auth ${options.auth === false ? 'off' : 'on'}, users ${users}${flows})`;
}

async function main(): Promise<void> {
	let options: EmulatorOptions;
	try {
		options = parseCli(process.argv.slice(2), process.env);
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(`${error.message}\n`);
			process.exit(2);
		}
		throw error;
	}
	// Listen for signals before starting, so a stop request during start-up is not lost.
	// eslint-disable-next-line prefer-const -- assigned once, but read by the signal handler before that
	let emulator: VisionatrixEmulator | undefined;
	let stopRequested = false;
	const shutdown = (): void => {
		if (stopRequested) return;
		stopRequested = true;
		if (emulator) void emulator.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
	emulator = await startEmulator(options);
	if (stopRequested) {
		await emulator.stop();
		process.exit(0);
	}
	process.stdout.write(`${describe(emulator.url, options)}\n`);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
		process.exit(1);
	});
}
