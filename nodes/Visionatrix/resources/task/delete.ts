import type { INodeProperties } from 'n8n-workflow';

import { taskIdField } from '../../shared/descriptions';

export const deleteDescription: INodeProperties[] = [taskIdField('delete')];
