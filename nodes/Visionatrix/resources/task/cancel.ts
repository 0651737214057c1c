import type { INodeProperties, INodePropertyRouting } from 'n8n-workflow';

import { cancelTaskRoute } from '../../shared/api';
import { taskIdField } from '../../shared/descriptions';
import { actionDone, checkBaseUrl, failOnTaskErrorStatus, toTaskRoute } from '../../shared/routing';

/** One request per item, by routing. */
export const cancelRouting: INodePropertyRouting = {
	send: { preSend: [checkBaseUrl, toTaskRoute(cancelTaskRoute)] },
	output: { postReceive: [failOnTaskErrorStatus('cancel'), actionDone('cancelled')] },
};

export const cancelDescription: INodeProperties[] = [taskIdField('cancel')];
