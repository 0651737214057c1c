import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { API_BASE_URL_EXPRESSION } from '../nodes/Visionatrix/shared/transport';

export class VisionatrixApi implements ICredentialType {
	name = 'visionatrixApi';

	displayName = 'Visionatrix API';

	icon: Icon = {
		light: 'file:../icons/visionatrix.svg',
		dark: 'file:../icons/visionatrix.dark.svg',
	};

	documentationUrl = 'https://github.com/Visionatrix/n8n-nodes-visionatrix#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8288',
			placeholder: 'http://localhost:8288',
			required: true,
			description: 'Address of the Visionatrix server, without the API path',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			default: 'current',
			options: [
				{
					name: 'Current (1.7 and Later)',
					value: 'current',
					description: 'Routes under /vapi',
				},
				{
					name: 'Legacy (1.6 and Earlier)',
					value: 'legacy',
					description: 'Routes under /api, as in the original getting-started guide',
				},
			],
			description: 'Which generation of the Visionatrix API the server speaks',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			description: 'Leave empty when the server runs with authentication off',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Leave empty when the server runs with authentication off',
		},
	];

	/** HTTP Basic, and no Authorization header at all when both fields are empty (auth off). */
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const username = String(credentials.username ?? '');
		const password = String(credentials.password ?? '');
		if (username === '' && password === '') return requestOptions;
		return { ...requestOptions, auth: { username, password } };
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: API_BASE_URL_EXPRESSION,
			url: '/other/whoami',
		},
	};
}
