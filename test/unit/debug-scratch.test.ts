import { waitForTasks } from '../../nodes/Visionatrix/wait/pollLoop';
import { DEFAULT_SCHEDULE } from '../../nodes/Visionatrix/wait/schedule';
import { createdTasks, detections, simulatedServer } from './simulatedServer';

it('debug', async () => {
	const mine = createdTasks(20, 3000, { firstId: 101 });
	const server = simulatedServer(mine, { workers: Number(process.env.K ?? 2), order: { seed: 7 } });
	const deps = server.deps();
	const seen = detections(server, deps);
	await server.clock.run([async () => await waitForTasks(mine.map((t) => ({ taskId: t.id, deadline: Infinity, flow: t.flow, groupScope: 1, createdAt: 0 })), DEFAULT_SCHEDULE, deps, { checkedFlows: ['sdxl_lighting'] })]);
	const lines = server.reads.map((r) => `${(r.at/1000).toFixed(2)} ${r.read.kind === 'summary' ? 'SUMMARY' : r.read.taskIds.join(',')}`);
	for (const t of [...mine].sort((a, b) => server.runs.get(a.id)!.start - server.runs.get(b.id)!.start)) { const run = server.runs.get(t.id)!; lines.push(`task ${t.id} w${run.worker} ${(run.start/1000).toFixed(2)}-${(run.end/1000).toFixed(2)} seen ${(seen.get(t.id)!/1000).toFixed(2)} late ${(seen.get(t.id)! - run.end).toFixed(0)}`); }
	console.log(lines.join('\n'));
});
