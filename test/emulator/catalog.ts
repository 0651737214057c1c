/** The installed flows and how `GET /flows/installed` presents them. */
import type { EmulatedFlow, FlowInfo } from './types';

/** A worker as flow support is judged: its device type and total VRAM in bytes. */
export interface WorkerDevice {
	deviceType: string;
	vramTotal: number;
}

/** The server's rule: a flow is supported when some worker has the memory it needs. */
export function isFlowSupported(info: FlowInfo, workers: readonly WorkerDevice[]): boolean {
	if (info.is_macos_supported === false && !workers.some((worker) => worker.deviceType !== 'mps'))
		return false;
	if (info.required_memory_gb) {
		const requiredBytes = info.required_memory_gb * 1024 * 1024 * 980; // GPUs often report a bit less
		return workers.some((worker) => worker.vramTotal >= requiredBytes);
	}
	return true;
}

export class FlowCatalog {
	private readonly byName = new Map<string, EmulatedFlow>();

	constructor(flows: readonly EmulatedFlow[]) {
		for (const flow of flows) {
			if (this.byName.has(flow.info.name))
				throw new Error(`Flow "${flow.info.name}" is listed twice`);
			this.byName.set(flow.info.name, flow);
		}
	}

	find(name: string): EmulatedFlow | undefined {
		return this.byName.get(name);
	}

	get flows(): EmulatedFlow[] {
		return [...this.byName.values()];
	}

	installedJson(workers: readonly WorkerDevice[]): FlowInfo[] {
		return this.flows.map((flow) => {
			const supported = isFlowSupported(flow.info, workers);
			// The server puts the flag right after is_macos_supported; keep that place when the data lacks it.
			const placed = 'is_supported_by_workers' in flow.info;
			const info: Record<string, unknown> = {};
			for (const [key, value] of Object.entries(flow.info)) {
				info[key] = key === 'is_supported_by_workers' ? supported : value;
				if (key === 'is_macos_supported' && !placed) info.is_supported_by_workers = supported;
			}
			if (!('is_supported_by_workers' in info)) info.is_supported_by_workers = supported;
			return info as FlowInfo;
		});
	}
}
