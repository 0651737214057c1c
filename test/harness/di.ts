/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
import { dirname } from 'node:path';
import type { Container as ContainerInstance } from '@n8n/di';

/**
 * n8n-core's own copy of `@n8n/di` (it is n8n-core's dependency, not ours). Resolving it from
 * n8n-core's folder and loading it with the ambient `require` (jest's, under jest) gives the same
 * module instance n8n-core uses, so `Container.get(...)` here sees n8n-core's services.
 */
const diPath = require.resolve('@n8n/di', { paths: [dirname(require.resolve('n8n-core'))] });

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Container = (require(diPath) as { Container: typeof ContainerInstance }).Container;
