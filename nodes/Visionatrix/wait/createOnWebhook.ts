import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { continueWithError, isItemError, itemError, type ItemError } from '../shared/itemErrors';
import { queuedTaskJson, type ResultItemSettings } from '../shared/outputItems';
import type { CreateTaskResponse } from '../shared/types';
import { assertCanWaitOnWebhook, resumeUrlOf } from './resumeUrl';
import type { OutputSlot } from './webhookSlots';
import { waitOnWebhook, type WebhookWaitSettings } from './webhookWait';

// Create Task with Wait Mode "On Webhook": the resume URL as each task's webhook_url, and the output slots.

/** One item's Create settings the webhook wait takes (resources/task/create.ts reads them). */
interface CreateWaitOptions {
	/** The item waits for its tasks; with `download`, it outputs their files. */
	wait: boolean;
	download: boolean;
	/** Seconds. */
	timeout: number;
	/** How the files are output, when the item downloads them. */
	files: ResultItemSettings;
}

/** What Create Task made of one item: its tasks, or the item's error. */
type CreatedTasks = ItemError | { flow: string; response: CreateTaskResponse };

/**
 * Create Task's part: every waiting item's tasks get this execution's resume URL as webhook_url
 * (the user's own Webhook URL cannot be kept: a task has one), and after creation the output slots.
 */
export class CreateOnWebhook {
	private readonly resumeUrl: string;

	constructor(private readonly context: IExecuteFunctions) {
		assertCanWaitOnWebhook(context);
		this.resumeUrl = resumeUrlOf(context);
	}

	/** Adds webhook_url to one item's create form. */
	addWebhookUrl(form: FormData, itemIndex: number, options: { webhookUrl?: string }): void {
		if (options.webhookUrl) {
			throw itemError(
				this.context.getNode(),
				itemIndex,
				"Option 'Webhook URL' cannot be used with Wait Mode 'On Webhook'",
				"With Wait Mode 'On Webhook' the node sets the task's webhook URL to this execution's resume URL itself. Remove Webhook URL, or use Wait Mode Poll to keep your own.",
			);
		}
		form.append('webhook_url', this.resumeUrl);
	}

	/**
	 * Waits for the created tasks: the execution waits until they report (or the fallback checks
	 * find them done) and n8n resumes it with the output.
	 */
	async wait(
		created: CreatedTasks[],
		settingsOf: (itemIndex: number) => CreateWaitOptions,
		settings: Omit<WebhookWaitSettings, 'checkWebhookUrls'>,
	): Promise<INodeExecutionData[][]> {
		const errorOutput = (error: ItemError, itemIndex: number) =>
			continueWithError.call(this.context, error, itemIndex);
		return await waitOnWebhook.call(this.context, this.slots(created, settingsOf, errorOutput), {
			...settings,
			checkWebhookUrls: false,
		});
	}

	/** The slots of the created tasks: items that wait, items that do not, and failed items (with Continue On Fail). */
	private slots(
		created: CreatedTasks[],
		settingsOf: (itemIndex: number) => CreateWaitOptions,
		errorOutput: (error: ItemError, itemIndex: number) => INodeExecutionData,
	): OutputSlot[] {
		const started = Date.now();
		return created.flatMap((result, itemIndex): OutputSlot[] => {
			if (isItemError(result)) return [{ ready: errorOutput(result, itemIndex) }];
			const { wait, download, timeout, files } = settingsOf(itemIndex);
			return result.response.tasks_ids.map((taskId): OutputSlot => {
				if (!wait)
					return {
						ready: {
							json: queuedTaskJson(taskId, result.flow, result.response.outputs),
							pairedItem: { item: itemIndex },
						},
					};
				return {
					task: {
						task_id: taskId,
						flow: result.flow,
						item: itemIndex,
						files: download ? files : undefined,
						timeout,
						deadline: started + timeout * 1000,
					},
				};
			});
		});
	}
}
