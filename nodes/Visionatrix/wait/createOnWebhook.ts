import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { itemError } from '../shared/itemErrors';
import type { ResultItemSettings } from '../shared/outputItems';
import { assertCanWaitOnWebhook, resumeUrlOf } from './resumeUrl';
import type { OutputSlot } from './webhookSlots';

// Create Task with Wait Mode "On Webhook": the resume URL as each task's webhook_url, and the output slots.

interface CreateWaitOptions {
	webhookUrl?: string;
	/** Seconds. */
	timeout: number;
	/** How the files are output, when the item downloads them. */
	files: ResultItemSettings;
}

/** What Create Task made of one item: its tasks, or the item's error. */
type CreatedTasks = Error | { flow: string; taskIds: number[]; json: (taskId: number) => IDataObject };

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
	addWebhookUrl(form: FormData, itemIndex: number, options: Pick<CreateWaitOptions, 'webhookUrl'>): void {
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

	/** The slots of the created tasks: items that wait, items that do not, and failed items (with Continue On Fail). */
	slots(
		created: CreatedTasks[],
		plan: (itemIndex: number) => { wait: boolean; download: boolean; options: CreateWaitOptions },
		errorOutput: (error: Error, itemIndex: number) => INodeExecutionData,
	): OutputSlot[] {
		const started = Date.now();
		return created.flatMap((result, itemIndex): OutputSlot[] => {
			if (result instanceof Error) return [{ ready: errorOutput(result, itemIndex) }];
			const { wait, download, options } = plan(itemIndex);
			return result.taskIds.map((taskId): OutputSlot => {
				if (!wait) return { ready: { json: result.json(taskId), pairedItem: { item: itemIndex } } };
				const timeout = options.timeout;
				return {
					task: {
						task_id: taskId,
						flow: result.flow,
						item: itemIndex,
						files: download ? options.files : undefined,
						timeout,
						deadline: started + timeout * 1000,
					},
				};
			});
		});
	}
}
