import type { IExecuteFunctions, INode, IWorkflowBase } from 'n8n-workflow';

/**
 * The checks of Wait Mode "On Webhook" as a small sub-execution that n8n keeps in its database:
 * Wait → POST a check to the waiting execution's resume URL → again while the answer is "still
 * waiting". Each pause is a Wait that n8n stores as a waiting execution, so the checks go on
 * through restarts and crashes of any n8n process, and one that fell due while n8n was down runs as
 * soon as n8n is back. The check itself is the resume URL call that runs the waiting node's
 * webhook(): one read of the tasks, and the execution resumes with every file if they are done.
 *
 * Built from n8n's own Execute Workflow Trigger, Wait, HTTP Request and If nodes: it needs no
 * credential, holds nothing in memory between checks, and shows in the executions list (a
 * sub-execution of the waiting one) while it waits; it deletes itself when it ends.
 */

/**
 * n8n's Wait node keeps a wait under 65 s in memory (a restart would lose it, and this execution
 * would run meanwhile) and stores longer ones; the margin covers the time between the expression
 * and the Wait's own clock reading.
 */
export const SHORTEST_STORED_WAIT_MS = 70_000;

/** Where and when the checks go (times in ms since the epoch). */
export interface CheckPlan {
	/** The resume URL with the task-progress path: a check runs the waiting node's webhook(). */
	url: string;
	/** The waiting node: a check names it, so that a later node waiting in the same execution ignores it. */
	node: string;
	/** Between two checks; 0: none but the one at the deadline. */
	everyMs: number;
	/** The wait's Timeout: a check then, whatever `everyMs`. */
	deadline: number;
	/** No check starts after this: n8n resumes the waiting execution itself then. */
	stopAt: number;
}

/** The time of the next check, as an n8n expression: every `everyMs` and at the deadline, stored waits only. */
function nextCheckExpression({ everyMs, deadline }: CheckPlan): string {
	const due = everyMs > 0 ? `Math.min($now.toMillis() + ${everyMs}, ${deadline})` : `${deadline}`;
	return `={{ new Date(Math.max($now.toMillis() + ${SHORTEST_STORED_WAIT_MS}, ${due})).toISOString() }}`;
}

/**
 * Whether to check again, as an n8n expression, if a next check would come before `stopAt`: while
 * the execution waits, is being resumed ("running already"), or the check did not get through (no
 * answer, n8n's 5xx); and once after "resumed", which n8n may still refuse (its recovery at startup
 * can hold the execution as it resumes), for the next check to find it over or resume it again.
 * The checks end on n8n's 404/409 for an execution that is gone or over, or "ignored" (another
 * node of it waits now).
 */
function againExpression({ stopAt }: CheckPlan): string {
	const open = [
		`['waiting', 'resumed'].includes($json.body?.status)`,
		`$json.error !== undefined`,
		`Number($json.statusCode) >= 500`,
		`/running already/.test(String($json.body?.message))`,
	].join(' || ');
	return `={{ (${open}) && $now.toMillis() + ${SHORTEST_STORED_WAIT_MS} < ${stopAt} }}`;
}

function checkNodes(plan: CheckPlan): INode[] {
	const node = (name: string, type: string, typeVersion: number, x: number) => ({
		id: `visionatrix-check-${name.toLowerCase().replace(/\W+/g, '-')}`,
		name,
		type: `n8n-nodes-base.${type}`,
		typeVersion,
		position: [x, 0] as [number, number],
		parameters: {},
	});
	return [
		{
			...node('Start', 'executeWorkflowTrigger', 1.1, 0),
			parameters: { inputSource: 'passthrough' },
		},
		{
			...node('Until Next Check', 'wait', 1.1, 220),
			parameters: { resume: 'specificTime', dateTime: nextCheckExpression(plan) },
		},
		{
			...node('Check Tasks', 'httpRequest', 4.2, 440),
			// A failed request is an item with `error`, not a failed execution: the next check comes.
			onError: 'continueRegularOutput',
			parameters: {
				method: 'POST',
				url: plan.url,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: JSON.stringify({ fallback_check: true, node: plan.node }),
				options: {
					response: { response: { fullResponse: true, neverError: true } },
					timeout: 120_000,
				},
			},
		},
		{
			...node('Still Waiting?', 'if', 2.2, 660),
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
					conditions: [
						{
							id: 'visionatrix-check-again',
							leftValue: againExpression(plan),
							rightValue: '',
							operator: { type: 'boolean', operation: 'true', singleValue: true },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
	];
}

const link = (node: string) => ({ main: [[{ node, type: 'main' as const, index: 0 }]] });

/** The sub-workflow of the checks (never saved as a workflow: n8n runs it inline, under the waiting one's id). */
export function checkWorkflow(
	plan: CheckPlan,
	workflowId: string,
	executionId: string,
): IWorkflowBase {
	const now = new Date();
	return {
		id: workflowId,
		name: `Visionatrix: checks for execution ${executionId}, node "${plan.node}"`,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes: checkNodes(plan),
		connections: {
			Start: link('Until Next Check'),
			'Until Next Check': link('Check Tasks'),
			'Check Tasks': link('Still Waiting?'),
			// The If node's true output only: its false output ends the execution.
			'Still Waiting?': link('Until Next Check'),
		},
		settings: {
			executionOrder: 'v1',
			// Kept while it waits (n8n must), gone once it ends; kept if it fails, to be looked at.
			saveDataSuccessExecution: 'none',
			saveDataErrorExecution: 'all',
			// It runs under the waiting workflow's id: allowed whatever the instance's default caller policy.
			callerPolicy: 'workflowsFromSameOwner',
		},
	};
}

/**
 * Starts the checks of the waiting node and returns once n8n has stored their first Wait: from the
 * moment the node's own execution is stored as waiting, its checks are too. They never resume it
 * as a sub-execution would (`shouldResume: false`): only the checks' calls to its resume URL do.
 * If n8n refuses to start them, the wait goes on without: Visionatrix's calls still end it, and
 * n8n's own resume at `stopAt` ends it with the tasks named.
 */
export async function startChecks(context: IExecuteFunctions, plan: CheckPlan): Promise<void> {
	const workflowId = context.getWorkflow().id ?? '';
	const executionId = context.getExecutionId();
	try {
		const started = await context.executeWorkflow(
			{ code: checkWorkflow(plan, workflowId, executionId) },
			[{ json: {} }],
			undefined,
			{ parentExecution: { executionId, workflowId, shouldResume: false } },
		);
		context.setMetadata({ subExecution: { executionId: started.executionId, workflowId } });
	} catch (error) {
		context.logger.warn(
			`Visionatrix node "${plan.node}": could not start the checks of execution ${executionId} (${(error as Error).message}); without them only Visionatrix's calls or the Timeout end its wait`,
		);
	}
}
