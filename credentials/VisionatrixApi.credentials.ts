import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { WHOAMI_PATH } from '../nodes/Visionatrix/shared/api';
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
			default: '',
			placeholder: 'e.g. http://192.168.1.20:8288',
			required: true,
			description: 'Address of the Visionatrix server, without the API path (/vapi or /api)',
			// Also the fix-it message of an unreachable server: n8n shows only its error code for that.
			hint: "Unreachable (ECONNREFUSED, ENOTFOUND, ETIMEDOUT)? n8n in Docker: localhost is n8n's own container; use the host's address or http://host.docker.internal:8288.",
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

	// n8n shows a failed test's answer as the message; these say what to fix instead. An
	// unreachable server has no answer to map (n8n shows its error code, e.g. ECONNREFUSED): the Base
	// URL's hint covers that case.
	test: ICredentialTestRequest = {
		request: {
			baseURL: API_BASE_URL_EXPRESSION,
			url: WHOAMI_PATH,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Visionatrix refused the Username and Password (401). Check both; leave both empty only when the server runs with authentication off.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The server has no Visionatrix API at this address (404). Check API Version (Current for Visionatrix 1.7 and later, Legacy before), and give the Base URL without /vapi or /api at its end.',
				},
			},
		],
	};
}
