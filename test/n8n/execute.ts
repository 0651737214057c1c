/* eslint-disable
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/** `n8n execute` of an imported workflow, and the whole one-shot run: fresh instance, import, execute. */
import { N8nCliError, outputTails, runN8nCli, type CliResult } from './cli';
import {
	importCredentials,
	importWorkflow,
	type CredentialExport,
	type WorkflowExport,
} from './import';
import { createN8nInstance, type N8nInstance, type N8nInstanceOptions } from './instance';
import { describeRunError, parseRawOutput, type N8nRunData } from './run-data';

export interface ExecuteResult {
	run: N8nRunData;
	cli: CliResult;
	/** n8n crashed (SIGSEGV) while shutting down, after a successful and complete execution. */
	crashedAtExit: boolean;
}

/** `n8n execute --id <id> --rawOutput`: returns the parsed execution data. */
export async function executeWorkflow(
	instance: N8nInstance,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<ExecuteResult> {
	const cli = await runN8nCli(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: options.timeoutMs,
		allowFailure: true,
	});
	let run: N8nRunData | undefined;
	try {
		run = parseRawOutput(cli.stdout);
	} catch (parseError) {
		throw new N8nCliError(
			`n8n execute exited with ${cli.code ?? cli.signal} and printed no execution data ` +
				`(${(parseError as Error).message.split('\n')[0]})${outputTails(cli)}`,
			cli,
		);
	}
	if (cli.code !== 0) {
		// n8n 2.41's `execute` sometimes dies with SIGSEGV in its teardown (process.exit with the
		// isolated-vm expression engine still alive) after it has printed the complete execution data.
		// The execution itself is over and stored then; only accept that exact case.
		const crashedAtExit = cli.signal === 'SIGSEGV' || cli.code === 139;
		if (crashedAtExit && run.status === 'success' && run.finished === true) {
			return { run, cli, crashedAtExit: true };
		}
		throw new N8nCliError(
			`workflow execution failed: ${describeRunError(run)}${outputTails({ stdout: '', stderr: cli.stderr }, 20)}`,
			cli,
		);
	}
	return { run, cli, crashedAtExit: false };
}

export interface RunWorkflowOptions extends N8nInstanceOptions {
	workflow: WorkflowExport;
	credentials?: CredentialExport[];
	timeoutMs?: number;
	/** Keep the user folder afterwards (it is kept anyway when the run fails). */
	keepUserFolder?: boolean;
}

export interface RunWorkflowResult extends ExecuteResult {
	instance: N8nInstance;
	workflowId: string;
	timings: { importMs: number; executeMs: number; totalMs: number };
}

/** Fresh user folder → import credentials → import workflow → execute → parsed execution data. */
export async function runWorkflowOnce(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const started = Date.now();
	const instance = await createN8nInstance(options);
	let ok = false;
	try {
		if (options.credentials?.length) await importCredentials(instance, options.credentials);
		const workflowId = await importWorkflow(instance, options.workflow);
		const imported = Date.now();
		const result = await executeWorkflow(instance, workflowId, { timeoutMs: options.timeoutMs });
		ok = true;
		const done = Date.now();
		return {
			...result,
			instance,
			workflowId,
			timings: {
				importMs: imported - started,
				executeMs: done - imported,
				totalMs: done - started,
			},
		};
	} catch (error) {
		if (error instanceof Error)
			error.message += `\n(n8n user folder kept for inspection: ${instance.userFolder})`;
		throw error;
	} finally {
		if (ok && !options.keepUserFolder) instance.cleanup();
	}
}
