import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { invalidTaskIdError } from './errors';
import type { ItemError } from './itemErrors';
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
