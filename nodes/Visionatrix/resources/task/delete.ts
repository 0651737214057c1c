import type { INodeProperties, INodePropertyRouting } from 'n8n-workflow';

import { deleteTaskRoute } from '../../shared/api';
import { taskIdField } from '../../shared/descriptions';
import { actionDone, checkBaseUrl, failOnTaskErrorStatus, toTaskRoute } from '../../shared/routing';

/** One request per item, by routing. */
export const deleteRouting: INodePropertyRouting = {
	send: { preSend: [checkBaseUrl, toTaskRoute(deleteTaskRoute)] },
	output: { postReceive: [failOnTaskErrorStatus('delete'), actionDone('deleted')] },
};

export const deleteDescription: INodeProperties[] = [taskIdField('delete')];
