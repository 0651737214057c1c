/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- benchmark code, run by Node.js and never shipped */
/** Resource use of this process during a scenario: CPU time and peak RSS. */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ResourceUse {
	cpuMicros: number;
	rssBaselineBytes: number;
	rssPeakBytes: number;
	rssSamples: number;
	/** The kernel's own peak (VmHWM, reset at start), which no sampling interval can miss; Linux only. */
	rssKernelPeakBytes?: number;
	/** JS heap in use + external memory (Buffers) at the start. */
	liveBaselineBytes: number;
}

/** What the process really holds: the JS heap in use and external memory (Buffer contents). */
export function liveBytes(): number {
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.external;
}

/** VmHWM of this process in bytes, or undefined where /proc is not there. */
function highWaterMark(): number | undefined {
	try {
		const status = readFileSync('/proc/self/status', 'utf8');
		const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Resets VmHWM to the current RSS (`echo 5 > /proc/self/clear_refs`, Linux ≥ 4.0); false if it cannot. */
function resetHighWaterMark(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage (when run with --expose-gc) and lets the heap settle, for a steady baseline. */
export async function settle(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		gc?.();
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/**
 * Samples `process.memoryUsage.rss()` every `everyMs` (default 20 ms) from `start()` to `stop()`,
 * and measures the process's CPU time (user + system) in between.
 */
export class ResourceSampler {
	private timer: NodeJS.Timeout | undefined;
	private baseline = 0;
	private peak = 0;
	private samples = 0;
	private cpuStart: NodeJS.CpuUsage | undefined;
	private kernelPeak = false;
	private liveBaseline = 0;

	constructor(private readonly everyMs = 20) {}

	start(): void {
		this.liveBaseline = liveBytes();
		this.baseline = process.memoryUsage.rss();
		this.peak = this.baseline;
		this.samples = 1;
		this.kernelPeak = resetHighWaterMark();
		this.cpuStart = process.cpuUsage();
		this.timer = setInterval(() => this.sample(), this.everyMs);
	}

	private sample(): void {
		this.peak = Math.max(this.peak, process.memoryUsage.rss());
		this.samples++;
	}

	stop(): ResourceUse {
		const cpu = process.cpuUsage(this.cpuStart);
		clearInterval(this.timer);
		this.sample();
		return {
			cpuMicros: cpu.user + cpu.system,
			rssBaselineBytes: this.baseline,
			rssPeakBytes: this.peak,
			rssSamples: this.samples,
			rssKernelPeakBytes: this.kernelPeak ? highWaterMark() : undefined,
			liveBaselineBytes: this.liveBaseline,
		};
	}
}
