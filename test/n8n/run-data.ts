/* eslint-disable
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/** The execution data `n8n execute --rawOutput` prints, and reading it: errors, a node's output. */
import { tail } from './cli';

/** Minimal shape of the execution data `n8n execute --rawOutput` prints. */
export interface N8nNodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: { message?: string; description?: string; [k: string]: unknown };
	data?: {
		main?: Array<Array<{
			json: Record<string, unknown>;
			binary?: Record<string, BinaryMeta>;
			pairedItem?: unknown;
		}> | null>;
	};
}

export interface BinaryMeta {
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	fileSize?: string;
	id?: string;
	data?: string;
	[k: string]: unknown;
}

export interface N8nRunData {
	status?: string;
	finished?: boolean;
	mode?: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, N8nNodeRun[]>;
			lastNodeExecuted?: string;
			error?: { message?: string; [k: string]: unknown };
		};
	};
	[k: string]: unknown;
}

/** The JSON printed by `--rawOutput`: it starts at the first line beginning with `{`. */
export function parseRawOutput(stdout: string): N8nRunData {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	if (start < 0) throw new Error(`no JSON in n8n execute output:\n${tail(stdout)}`);
	const text = lines.slice(start).join('\n').trim();
	try {
		return JSON.parse(text) as N8nRunData;
	} catch (error) {
		// Some log line may follow the JSON: cut at the last closing brace that parses.
		for (let end = text.lastIndexOf('}'); end > 0; end = text.lastIndexOf('}', end - 1)) {
			try {
				return JSON.parse(text.slice(0, end + 1)) as N8nRunData;
			} catch {
				// keep trying shorter prefixes
			}
		}
		throw new Error(
			`cannot parse n8n execute output as JSON: ${(error as Error).message}\n${tail(text)}`,
		);
	}
}

/** The first node error in the execution data, as a one-line message. */
export function describeRunError(run: N8nRunData): string {
	const runData = run.data?.resultData?.runData ?? {};
	for (const [node, runs] of Object.entries(runData)) {
		for (const r of runs) {
			if (r.error) {
				const description = r.error.description ? ` (${r.error.description})` : '';
				return `node "${node}": ${r.error.message ?? 'error'}${description}`;
			}
		}
	}
	const err = run.data?.resultData?.error;
	return err?.message ?? `status ${run.status ?? 'unknown'}`;
}

/** Output items of a node's first run, first output. */
export function nodeOutput(
	run: N8nRunData,
	nodeName: string,
): NonNullable<NonNullable<N8nNodeRun['data']>['main']>[number] & object {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length)
		throw new Error(
			`node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`,
		);
	return runs[0].data?.main?.[0] ?? [];
}
