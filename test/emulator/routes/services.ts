/** What route handlers work with. */
import type { FlowCatalog, WorkerDevice } from '../catalog';
import type { TaskStore } from '../state';
import type { WorkerPool, WorkerRegistry } from '../workers';

export interface Services {
	readonly store: TaskStore;
	readonly catalog: FlowCatalog;
	readonly pool: WorkerPool;
	readonly registry: WorkerRegistry;
	/** Every worker the server would count as available (in-process and HTTP ones). */
	availableWorkers(): WorkerDevice[];
}
