import type { INodeProperties } from 'n8n-workflow';

import { allFilesInOneItemOption, taskIdField } from '../../shared/descriptions';

const showOnlyForGetResults = { resource: ['task'], operation: ['getResults'] };

export const getResultsDescription: INodeProperties[] = [
	taskIdField('getResults'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: showOnlyForGetResults },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showOnlyForGetResults },
		options: [allFilesInOneItemOption],
	},
];
