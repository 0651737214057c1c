/** `GET /other/whoami` and `GET /flows/installed`. */
import { jsonReply } from '../http/reply';
import type { Router } from '../http/router';
import type { Services } from './services';

export function registerInfoRoutes(router: Router, services: Services): void {
	router.add('GET', '/other/whoami', (context) => jsonReply(200, context.user));
	router.add('GET', '/flows/installed', () =>
		jsonReply(200, services.catalog.installedJson(services.availableWorkers())),
	);
}
