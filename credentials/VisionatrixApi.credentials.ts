import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { WHOAMI_PATH } from '../nodes/Visionatrix/shared/api';
import { API_BASE_URL_EXPRESSION, baseUrlProblem } from '../nodes/Visionatrix/shared/transport';

/** A Base URL on this machine's loopback: localhost, 127.x.x.x, [::1] or 0.0.0.0, with or without http(s)://. */
const LOOPBACK_URL = '^\\s*(https?://)?(localhost|127\\.|\\[::1\\]|0\\.0\\.0\\.0)';

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
			description:
				'Address of the Visionatrix server, without the API path (/vapi or /api). Visionatrix listens on port 8288 unless told otherwise.',
		},
		{
			// Shown only for a loopback address: the one mistake n8n's test can only answer with ECONNREFUSED.
			displayName:
				"n8n in Docker? There localhost is n8n's own container: give the address of the machine Visionatrix runs on, or http://host.docker.internal:8288",
			name: 'dockerNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { baseUrl: [{ _cnd: { regex: LOOPBACK_URL } }] } },
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

	/**
	 * HTTP Basic, and no Authorization header at all when both fields are empty (auth off). n8n calls
	 * this before every request with the credential, the credential test's too: a Base URL that
	 * cannot work is refused here with what to write instead (the test shows this message).
	 */
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const problem = baseUrlProblem(String(credentials.baseUrl ?? ''));
		if (problem) throw new Error(`${problem.message}. ${problem.hint}`);
		const username = String(credentials.username ?? '');
		const password = String(credentials.password ?? '');
		if (username === '' && password === '') return requestOptions;
		return { ...requestOptions, auth: { username, password } };
	};

	// n8n shows a failed test's answer as its message: these say what to fix instead. A server that
	// does not answer at all (ECONNREFUSED, ENOTFOUND, ETIMEDOUT) has no answer to map: n8n 2.41 shows
	// the bare code for it (CredentialsTester.runRequestTest), whatever the credential declares.
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
						'The server answered 404: it has no Visionatrix API for the chosen API Version. Choose Current for Visionatrix 1.7 and later, Legacy for 1.6 and earlier; and check that the Base URL is the Visionatrix server (with its reverse-proxy sub-path, if any).',
				},
			},
		],
	};
}
