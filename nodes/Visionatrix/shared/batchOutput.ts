import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { continueWithError, withItemIndex, withoutItemIndex, type ItemError } from './itemErrors';

/**
 * The output of an operation that waits for many tasks, where no finished work is thrown away.
 * Under "Continue" and "Continue (using error output)" every finished task's items go on and each
 * failed item is an error item that names its task. Under "Stop Workflow" the node fails, as n8n
 * means it to, with one error that names every task without a result and its state, and says
 * where the finished tasks' files are and how to get them.
 */

/** How many tasks without a result the error's message names; its description names all of them. */
const NAMED_IN_MESSAGE = 5;

interface Failure {
	error: ItemError;
	itemIndex: number;
	json: IDataObject;
}

/** What the failed item's JSON says of its task: `task 21 (running, 40%)`; undefined when it has none. */
function failedTaskText({ error, json }: Failure): string | undefined {
	const details = { ...json, ...((error as { itemJson?: IDataObject }).itemJson ?? {}) };
	if (typeof details.task_id !== 'number') return undefined;
	const state =
		details.status === 'queued'
			? 'still queued, not started'
			: details.status === 'running'
				? `running, ${String(details.progress ?? 0)}%`
				: details.status === 'failed'
					? 'failed'
					: details.status === 'completed'
						? 'completed, its files not downloaded'
						: /cancelled or deleted/.test(error.message)
							? 'cancelled or deleted'
							: 'state not known';
	return `task ${details.task_id} (${state})`;
}

/** Each failed item once: its task and state, or (no task) its error with the items that had it. */
function failureTexts(failures: readonly Failure[]): string[] {
	const texts: string[] = [];
	const withoutTask = new Map<string, number[]>();
	for (const failure of failures) {
		const task = failedTaskText(failure);
		if (task) texts.push(task);
		else {
			const message = withoutItemIndex(failure.error.message);
			withoutTask.set(message, [...(withoutTask.get(message) ?? []), failure.itemIndex]);
		}
	}
	for (const [message, items] of withoutTask)
		texts.push(`${message} (item${items.length > 1 ? 's' : ''} ${items.join(', ')})`);
	return texts;
}

export class BatchOutput {
	readonly items: INodeExecutionData[] = [];
	private readonly failures: Failure[] = [];
	private readonly finished: number[] = [];

	constructor(private readonly context: IExecuteFunctions) {}

	/** Items of a task that gave its result. */
	finishedTask(taskId: number, items: INodeExecutionData[]): void {
		this.finished.push(taskId);
		this.items.push(...items);
	}

	/** Items that need no task (Create's Task IDs output). */
	add(items: INodeExecutionData[]): void {
		this.items.push(...items);
	}

	/** A failed item: an error item under Continue On Fail, else kept for the node's error. */
	fail(error: ItemError, itemIndex: number, json: IDataObject = {}): void {
		if (this.context.continueOnFail())
			this.items.push(continueWithError.call(this.context, error, itemIndex, json));
		else this.failures.push({ error, itemIndex, json });
	}

	/** The output; under "Stop Workflow" with any failure, the node's error instead. */
	result(): INodeExecutionData[] {
		if (this.failures.length === 0) return this.items;
		// One item that failed alone keeps its own error, word for word.
		if (this.failures.length === 1 && this.finished.length === 0) throw this.failures[0].error;
		throw this.batchError();
	}

	private batchError(): NodeOperationError {
		const [first] = this.failures;
		const named = failureTexts(this.failures);
		const more = named.length - NAMED_IN_MESSAGE;
		const total = this.failures.length + this.finished.length;
		const message = `${this.failures.length} of ${total} results missing: ${named.slice(0, NAMED_IN_MESSAGE).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
		const finished =
			this.finished.length === 0
				? 'No task finished.'
				: `The ${this.finished.length} tasks that finished keep their files on the Visionatrix server (tasks ${this.finished.join(', ')}): get them with a Get Results step, or set this node's Settings → On Error to "Continue (using error output)" so that the finished tasks' files go on and the others come out of the error output with their task_id, flow and state (in details).`;
		return new NodeOperationError(this.context.getNode(), withItemIndex(message, first.itemIndex), {
			itemIndex: first.itemIndex,
			description: [
				`Without a result: ${named.join(', ')}.`,
				finished,
				`First: ${withoutItemIndex(first.error.message)}. ${first.error.description ?? ''}`.trim(),
			].join('\n\n'),
		});
	}
}
