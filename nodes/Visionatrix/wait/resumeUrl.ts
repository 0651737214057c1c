import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The path Visionatrix appends to the webhook URL. */
export const TASK_PROGRESS_PATH = 'task-progress';

/** The resume token in a URL (`signature`, up to a `/` that httpx or n8n may have put after it). */
export function resumeTokenOf(url: unknown): string | undefined {
	if (typeof url !== 'string' || url === '') return undefined;
	try {
		const token = new URL(url).searchParams.get('signature') ?? '';
		return token.split('/')[0] || undefined;
	} catch {
		return undefined;
	}
}

/** `$execution.resumeUrl` of the running execution. */
export function resumeUrlOf(context: IExecuteFunctions): string {
	const url = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !resumeTokenOf(url)) {
		throw new NodeOperationError(
			context.getNode(),
			"Wait Mode 'On Webhook' needs this execution's resume URL, which n8n did not give",
			{
				description:
					'Run the workflow in a running n8n instance (not from a sub-process without executions), or use Wait Mode Poll.',
			},
		);
	}
	return url;
}

/** Refuses what cannot wait: an AI agent's tool call has no execution to put to wait. */
export function assertCanWaitOnWebhook(context: IExecuteFunctions): void {
	if (context.isToolExecution()) {
		throw new NodeOperationError(
			context.getNode(),
			"Wait Mode 'On Webhook' is not available when an AI agent runs this node as a tool",
			{
				description:
					'An agent needs the answer in the same run: use Wait Mode Poll for tool calls.',
			},
		);
	}
}

export function describeUrl(url: unknown): string {
	if (typeof url !== 'string' || url === '') return 'empty';
	try {
		const parsed = new URL(url);
		return `'${parsed.origin}${parsed.pathname}'${parsed.search ? ' (with a query)' : ''}`;
	} catch {
		return `'${url}'`;
	}
}

/** The fallback check's target: the resume URL with `task-progress` as a path segment (n8n takes both forms). */
export function fallbackCheckUrl(resumeUrl: string): string {
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${TASK_PROGRESS_PATH}`;
	return url.toString();
}
