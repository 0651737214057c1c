import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { withItemIndex, type ItemError } from './itemErrors';
import { parseTaskId } from './taskStatus';

/** Each item's Task ID; a bad one is that item's error. */
export function readTaskIds(this: IExecuteFunctions): Array<number | ItemError> {
	return this.getInputData().map((item, itemIndex) => {
		const raw = this.getNodeParameter('taskId', itemIndex);
		// An item that already failed in an earlier step (Continue On Fail) carries only its error
		// (n8n keeps nothing else of it): it goes on as that same error, which names its task.
		const earlier = item.json.error;
		if ((raw === undefined || raw === '') && typeof earlier === 'string') {
			return new NodeOperationError(this.getNode(), earlier, {
				itemIndex,
				description: 'This item failed in an earlier step.',
			});
		}
		return parseTaskId(raw) ?? invalidTaskIdError(this.getNode(), raw, itemIndex);
	});
}

/** A Task ID the server could not take (it would answer a bare 422 for "abc"). */
export function invalidTaskIdError(
	node: INode,
	raw: unknown,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		node,
		withItemIndex(`Parameter 'Task ID' must be a whole number, not '${String(raw)}'`, itemIndex),
		{
			itemIndex,
			description:
				'Give the numeric ID of a Visionatrix task, for example {{ $json.task_id }} after Create Task.',
		},
	);
}
