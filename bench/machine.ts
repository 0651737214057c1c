/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- benchmark code, run by Node.js and never shipped */
/** The machine the numbers come from. */
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
	cpuModel: string;
	cores: number;
	totalMemBytes: number;
	nodeVersion: string;
	platform: string;
	arch: string;
	kernel: string;
	n8nCore: string;
	n8nWorkflow: string;
}

function cpuModel(): string {
	try {
		const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
		if (match) return match[1].trim();
	} catch {
		// not Linux: fall back to what os.cpus() says
	}
	return cpus()[0]?.model ?? 'unknown CPU';
}

function packageVersion(name: string): string {
	try {
		return (
			JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
				version: string;
			}
		).version;
	} catch {
		return 'unknown';
	}
}

export function machineInfo(): MachineInfo {
	return {
		cpuModel: cpuModel(),
		cores: cpus().length,
		totalMemBytes: totalmem(),
		nodeVersion: process.version,
		platform: platform(),
		arch: arch(),
		kernel: release(),
		n8nCore: packageVersion('n8n-core'),
		n8nWorkflow: packageVersion('n8n-workflow'),
	};
}

/** CPU time counters (Linux /proc), to tell the bench's own CPU use from other processes'. */
export interface CpuSnapshot {
	/** Busy time of the whole machine, all cores (clock ticks). */
	machineBusy: number;
	/** All time of the whole machine, all cores (clock ticks). */
	machineTotal: number;
	/** This process, its ended children (emulators, clients) and the running ones given, user + system (clock ticks). */
	bench: number;
}

/** utime + stime of a running process (clock ticks). */
function processTicks(pid: number | 'self', withEndedChildren: boolean): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces): state is field 3; utime is 14.
	const rest = stat
		.slice(stat.lastIndexOf(')') + 2)
		.split(' ')
		.map(Number);
	const [utime, stime, cutime, cstime] = rest.slice(11, 15);
	return utime + stime + (withEndedChildren ? cutime + cstime : 0);
}

export function cpuSnapshot(runningChildren: number[] = []): CpuSnapshot | undefined {
	try {
		const fields = readFileSync('/proc/stat', 'utf8')
			.split('\n')[0]
			.trim()
			.split(/\s+/)
			.slice(1)
			.map(Number);
		const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
		const busy = user + nice + system + irq + softirq + steal;
		const bench =
			processTicks('self', true) +
			runningChildren.reduce((sum, pid) => sum + processTicks(pid, false), 0);
		return { machineBusy: busy, machineTotal: busy + idle + iowait, bench };
	} catch {
		return undefined;
	}
}

/** What other processes used between two snapshots, in cores (0 = none, 1 = one whole core). */
export function otherLoad(
	before: CpuSnapshot | undefined,
	after: CpuSnapshot | undefined,
	cores: number,
): number | undefined {
	if (!before || !after) return undefined;
	const total = after.machineTotal - before.machineTotal;
	if (total <= 0) return undefined;
	const others = after.machineBusy - before.machineBusy - (after.bench - before.bench);
	return Math.max(0, (others / total) * cores);
}
