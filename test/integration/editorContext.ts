import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { VisionatrixEmulator } from '../emulator';

/**
 * What the editor gives a load-options method (the flow picker, the Flow Inputs fields): the node's
 * Flow parameter and a request helper authenticated as alice on the emulator.
 */
export function editorContext(emulator: VisionatrixEmulator, flow: string): ILoadOptionsFunctions {
	return {
		getNode: () => ({
			id: 'n1',
			name: 'Visionatrix',
			type: 'x',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getNodeParameter: (name: string) => (name === 'flow' ? flow : undefined),
		getCredentials: async () => ({
			baseUrl: emulator.url,
			apiVersion: 'current',
			username: 'alice',
			password: 'alice',
		}),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				const url = new URL(`${options.baseURL}${options.url}`);
				const response = await fetch(url, {
					headers: { authorization: `Basic ${Buffer.from('alice:alice').toString('base64')}` },
				});
				return { statusCode: response.status, headers: {}, body: await response.json() };
			},
		},
	} as unknown as ILoadOptionsFunctions;
}
