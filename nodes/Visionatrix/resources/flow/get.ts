import type { INodeProperties } from 'n8n-workflow';

import { flowField } from '../../shared/descriptions';

export const getDescription: INodeProperties[] = [
	flowField({ show: { resource: ['flow'], operation: ['get'] } }, 'The installed flow to get'),
];
