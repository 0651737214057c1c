/**
 * Wait Mode "On Webhook": the stored sub-execution that checks a waiting node (its expressions run
 * through n8n-workflow's own evaluator), and the items a wait outputs for a task under each On Error
 * setting (n8n's engine rules for error items are applied as test/e2e/n8n-restart.test.ts sees them).
 */
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeTypes,
	IWebhookFunctions,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import {
	checkWorkflow,
	SHORTEST_STORED_WAIT_MS,
	type CheckPlan,
} from '../../nodes/Visionatrix/wait/checkExecution';
import {
	stackItem,
	storedSlots,
	webhookErrorItem,
	withoutErrorObject,
	type TaskSlot,
} from '../../nodes/Visionatrix/wait/webhookSlots';

const MINUTE = 60_000;
const URL = 'http://n8n.local:5678/webhook-waiting/42/task-progress?signature=a1b2c3d4';

/** A workflow with one node, to evaluate an expression as n8n does for that node and item. */
function evaluate(expression: string, json: IDataObject = {}): unknown {
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [], inputs: [], outputs: [] } }),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const node: INode = {
		id: 'n',
		name: 'N',
		type: 'x',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getParameterValue(
		expression,
		null,
		0,
		0,
		'N',
		[{ json }],
		'manual',
		{},
	);
}

function plan(changes: Partial<CheckPlan> = {}): CheckPlan {
	const now = Date.now();
	return {
		url: URL,
		node: 'Generate Image',
		everyMs: 5 * MINUTE,
		deadline: now + 30 * MINUTE,
		stopAt: now + 32 * MINUTE,
		...changes,
	};
}

const nodeOf = (p: CheckPlan, name: string) =>
	checkWorkflow(p, 'wf1', '42').nodes.find((n) => n.name === name)!;

/** When the Wait node of the checks puts the next check (ms), and the time it was evaluated at. */
function nextCheck(p: CheckPlan): { at: number; from: number; to: number } {
	const from = Date.now();
	const at = Date.parse(
		String(evaluate(nodeOf(p, 'Until Next Check').parameters.dateTime as string)),
	);
	return { at, from, to: Date.now() };
}

function againAfter(p: CheckPlan, answer: IDataObject): boolean {
	const parameters = nodeOf(p, 'Still Waiting?').parameters as {
		conditions: { conditions: Array<{ leftValue: string }> };
	};
	return evaluate(parameters.conditions.conditions[0].leftValue, answer) as boolean;
}

describe('the checks of a webhook wait: a stored sub-execution', () => {
	test('a loop of n8n nodes: Start, a Wait, the check posted to the resume URL, again while it waits', () => {
		const workflow = checkWorkflow(plan(), 'wf1', '42');
		expect(workflow.id).toBe('wf1');
		expect(workflow.nodes.map((n) => n.type)).toEqual([
			'n8n-nodes-base.executeWorkflowTrigger',
			'n8n-nodes-base.wait',
			'n8n-nodes-base.httpRequest',
			'n8n-nodes-base.if',
		]);
		const next = (name: string) =>
			workflow.connections[name].main.map((o) => o?.map((c) => c.node));
		expect(next('Start')).toEqual([['Until Next Check']]);
		expect(next('Until Next Check')).toEqual([['Check Tasks']]);
		expect(next('Check Tasks')).toEqual([['Still Waiting?']]);
		// Only the true output loops; the false output ends the execution.
		expect(next('Still Waiting?')).toEqual([['Until Next Check']]);
		const check = workflow.nodes.find((n) => n.name === 'Check Tasks')!;
		expect(check.parameters).toMatchObject({ method: 'POST', url: URL });
		expect(JSON.parse(check.parameters.jsonBody as string)).toEqual({
			fallback_check: true,
			node: 'Generate Image',
		});
		// A request that fails is an item, not a failed execution.
		expect(check.onError).toBe('continueRegularOutput');
		// Gone once it ends; no credential anywhere.
		expect(workflow.settings?.saveDataSuccessExecution).toBe('none');
		expect(workflow.nodes.every((n) => n.credentials === undefined)).toBe(true);
	});

	test('the next check comes after Fallback Check, never sooner than a stored wait allows', () => {
		const every5 = nextCheck(plan());
		expect(every5.at).toBeGreaterThanOrEqual(every5.from + 5 * MINUTE);
		expect(every5.at).toBeLessThanOrEqual(every5.to + 5 * MINUTE);
		// 10 s asked: 70 s, so that the Wait stores it (n8n keeps a shorter wait in memory only).
		const every10s = nextCheck(plan({ everyMs: 10_000 }));
		expect(every10s.at).toBeGreaterThanOrEqual(every10s.from + SHORTEST_STORED_WAIT_MS);
		expect(every10s.at).toBeLessThanOrEqual(every10s.to + SHORTEST_STORED_WAIT_MS);
	});

	test('there is always a check at the Timeout: with Fallback Check 0 the only one', () => {
		const deadline = Date.now() + 3 * MINUTE;
		expect(nextCheck(plan({ everyMs: 0, deadline })).at).toBe(deadline);
		expect(nextCheck(plan({ everyMs: 5 * MINUTE, deadline })).at).toBe(deadline);
		// A Timeout closer than a stored wait: the check comes just after it.
		const soon = nextCheck(plan({ everyMs: 0, deadline: Date.now() + 10_000 }));
		expect(soon.at).toBeGreaterThanOrEqual(soon.from + SHORTEST_STORED_WAIT_MS);
		// Past the Timeout (the check then could not read the tasks): every stored wait until n8n's own resume.
		const late = nextCheck(plan({ everyMs: 0, deadline: Date.now() - MINUTE }));
		expect(late.at).toBeGreaterThanOrEqual(late.from + SHORTEST_STORED_WAIT_MS);
	});

	test('it checks again while the execution waits or the check did not get through, and stops otherwise', () => {
		const p = plan();
		const answered = (status: number, body: IDataObject | string): IDataObject => ({
			statusCode: status,
			body,
		});
		expect(againAfter(p, answered(200, { status: 'waiting', waiting_for: [5] }))).toBe(true);
		expect(againAfter(p, answered(200, { status: 'waiting', outage: true }))).toBe(true);
		// No answer (n8n down, refused), or n8n's own 5xx: the next check is due all the same.
		expect(againAfter(p, { error: { message: 'connect ECONNREFUSED 127.0.0.1:5678' } })).toBe(true);
		expect(againAfter(p, answered(503, 'Service Unavailable'))).toBe(true);
		// Resumed: once more, in case n8n refused the resume (its startup recovery can hold the execution).
		expect(againAfter(p, answered(200, { status: 'resumed' }))).toBe(true);
		const resuming = { code: 409, message: 'The execution "42" is running already.' };
		expect(againAfter(p, answered(409, resuming))).toBe(true);
		// Ignored (another node waits now), the execution is over or gone.
		expect(againAfter(p, answered(200, { status: 'ignored', reason: 'x' }))).toBe(false);
		const over = { code: 409, message: 'The execution "42 has finished already.' };
		expect(againAfter(p, answered(409, over))).toBe(false);
		expect(againAfter(p, answered(404, { code: 404, message: 'gone' }))).toBe(false);
	});

	test('no check starts after n8n itself ends the wait', () => {
		const waiting = { statusCode: 200, body: { status: 'waiting' } };
		expect(againAfter(plan({ stopAt: Date.now() + 2 * MINUTE }), waiting)).toBe(true);
		expect(againAfter(plan({ stopAt: Date.now() + 30_000 }), waiting)).toBe(false);
	});
});

const SLOT: TaskSlot = {
	task_id: 17,
	flow: 'sdxl_lighting',
	item: 2,
	timeout: 600,
	deadline: Date.parse('2026-12-05T10:00:00Z'),
};

function node(onError?: INode['onError']): INode {
	return {
		id: 'g',
		name: 'Generate Image',
		type: 'n8n-nodes-visionatrix.visionatrix',
		typeVersion: 1.1,
		position: [0, 0],
		parameters: {},
		onError,
	};
}

/**
 * What n8n makes of an item a node outputs (n8n-core workflow-execute.js normalizeNodeErrors and
 * handleNodeErrorOutput): an error object replaces the JSON by `{ error }`; under "Continue (using
 * error output)" an item goes to the error output if it carries one, or if its JSON holds only
 * error, message and details.
 */
function asN8nOutputs(item: INodeExecutionData, onError?: INode['onError']) {
	const json = item.error ? { error: item.error.message } : item.json;
	const toError =
		onError === 'continueErrorOutput' &&
		(item.error !== undefined ||
			(json.error !== undefined &&
				Object.keys(json).every((k) => ['error', 'message', 'details'].includes(k))));
	return { output: toError ? 1 : 0, json };
}

describe("a task's error item keeps its task ID and flow under every On Error setting", () => {
	const message = 'Task 17 failed on the Visionatrix server: CUDA out of memory';
	const description = 'Check the inputs.';

	test.each([undefined, 'stopWorkflow', 'continueRegularOutput'] as const)(
		'On Error %s: the regular output, with task_id, flow, error and what to do',
		(onError) => {
			const item = withoutErrorObject(webhookErrorItem(node(onError), SLOT, message, description));
			expect(asN8nOutputs(item, onError)).toEqual({
				output: 0,
				json: { task_id: 17, flow: 'sdxl_lighting', error: `${message} [item 2]`, description },
			});
			expect(item.pairedItem).toEqual({ item: 2 });
		},
	);

	test('Continue (using error output): the error output, the task in details', () => {
		const item = withoutErrorObject(
			webhookErrorItem(node('continueErrorOutput'), SLOT, message, description),
		);
		expect(asN8nOutputs(item, 'continueErrorOutput')).toEqual({
			output: 1,
			json: {
				error: `${message} [item 2]`,
				details: { task_id: 17, flow: 'sdxl_lighting', description },
			},
		});
	});

	test('the error object stays for the node itself (a failure at wait time stops the node), until the item leaves', () => {
		const item = webhookErrorItem(node(), SLOT, message, description);
		expect(item.error?.message).toBe(`${message} [item 2]`);
		expect(item.error?.description).toBe(description);
		expect(withoutErrorObject(item).error).toBeUndefined();
	});
});

describe("what n8n's own resume outputs (a grace after the Timeout): the stored items", () => {
	const stored = (onError?: INode['onError']) => stackItem(node(onError), { task: SLOT });
	const expected =
		'Task 17 (flow sdxl_lighting) was not seen done before the wait ended at its Timeout (600 seconds); it may have finished meanwhile: get its files with Get Results (task ID 17) rather than retrying the execution, which creates the task again [item 2]';

	test('each names its task, says it may have finished (n8n stopped, calls lost) and how to collect it', () => {
		const item = stored();
		expect(asN8nOutputs(item)).toMatchObject({
			output: 0,
			json: { task_id: 17, flow: 'sdxl_lighting', error: expected },
		});
		expect(String(item.json.description)).toContain('n8n was stopped or restarted');
		expect(String(item.json.error)).not.toContain('did not report completion');
	});

	test('under Continue (using error output) it comes out of the error output, the task in details', () => {
		const item = stored('continueErrorOutput');
		expect(asN8nOutputs(item, 'continueErrorOutput')).toMatchObject({
			output: 1,
			json: { error: expected, details: { task_id: 17, flow: 'sdxl_lighting' } },
		});
	});

	test('webhook() reads the task to wait for back from either form', () => {
		for (const onError of [undefined, 'continueErrorOutput'] as const) {
			const context = {
				evaluateExpression: () => [stored(onError), { json: { ready: true } }],
			} as unknown as IWebhookFunctions;
			expect(storedSlots(context)).toEqual([{ task: SLOT }, { ready: { json: { ready: true } } }]);
		}
	});
});
