import { waitForTasks } from '../../nodes/Visionatrix/wait/pollLoop';
import { DEFAULT_SCHEDULE, type WaitTarget } from '../../nodes/Visionatrix/wait/schedule';
import {
	createdTasks,
	detections,
	percentile,
	readsPerTask,
	simulatedServer,
	VirtualClock,
	type SimOptions,
	type SimTask,
} from './simulatedServer';

const targetsOf = (tasks: SimTask[], createdAt = 0): WaitTarget[] =>
	tasks.map((t) => ({ taskId: t.id, deadline: Infinity, flow: t.flow, groupScope: t.groupScope, createdAt }));

async function scenario(name: string, execs: SimTask[][], others: SimTask[], options: SimOptions) {
	const clock = new VirtualClock();
	const server = simulatedServer([...others, ...execs.flat()], options, clock);
	const seens = execs.map(() => new Map<number, number>());
	const waits = execs.map((tasks, i) => async () => {
		const deps = server.deps();
		seens[i] = detections(server, deps);
		return await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, deps, { checkedFlows: ['sdxl_lighting'] });
	});
	const outcomes = await clock.run(waits);
	const lat = execs.flatMap((tasks, i) => tasks.map((t) => seens[i].get(t.id)! - server.endOf(t.id)!));
	const n = execs.flat().length;
	const perTask = new Map<number, number>();
	for (const r of server.reads) if (r.read.kind === 'tasks') for (const id of r.read.taskIds) perTask.set(id, (perTask.get(id) ?? 0) + 1);
	console.log(`${name}: reads/task ${readsPerTask(server, n).toFixed(2)}, summaries ${server.reads.filter(r=>r.read.kind==='summary').length}, p95 ${percentile(lat,95)}, max ${Math.max(...lat)}, maxOneTask ${Math.max(...perTask.values())}, kinds ${JSON.stringify([...outcomes.flatMap(o=>[...o.values()].map(x=>x.kind))].reduce((a:any,k)=>(a[k]=(a[k]??0)+1,a),{}))} end ${server.time()}`);
}

const others30 = () => createdTasks(30, 3000, { firstId: 1, otherUser: true, priority: 1 });
it('scratch', async () => {
	for (const order of ['oldest', 'newest', { seed: 7 }] as SimOptions['order'][]) {
		const o = JSON.stringify(order);
		await scenario(`behind30 ${o}`, [createdTasks(20, 3000, { firstId: 31 })], others30(), { workers: 1, order });
		await scenario(`3x10 ${o}`, [1, 2, 3].map((k) => createdTasks(10, 3000, { firstId: 31 + (k - 1) * 10 })), others30(), { workers: 1, order });
		await scenario(`alone20k4 ${o}`, [createdTasks(20, 2000, { firstId: 10001 })], [], { workers: 4, order, history: 10000 });
		await scenario(`alone200k4 ${o}`, [createdTasks(200, 500, { firstId: 2001 })], [], { workers: 4, order, history: 2000 });
	}
}, 120000);

it('scratch rules', async () => {
	for (const [name, opts, checked, created] of [
		['noworker-create', { workers: 0 }, ['sdxl_lighting'], true],
		['noworker-wfc', { workers: 0 }, [], false],
		['dead', { workers: 1, deaths: { 0: 10_000 } }, ['sdxl_lighting'], true],
	] as const) {
		const clock = new VirtualClock();
		const tasks = createdTasks(5, 3000, { jitter: 0 });
		const server = simulatedServer(tasks, opts as SimOptions, clock);
		const deps = server.deps();
		const ends = new Map<number, number>();
		deps.onTick = (p) => { for (const t of tasks) if (!p.includes(t.id) && !ends.has(t.id)) ends.set(t.id, clock.now); };
		const [out] = await clock.run([async () => await waitForTasks(tasks.map((t) => ({ taskId: t.id, deadline: Infinity, runLimitMs: 600_000, ...(created ? { flow: t.flow, groupScope: 1, createdAt: 0 } : {}) })), DEFAULT_SCHEDULE, deps, { checkedFlows: [...checked] })]);
		console.log(name, JSON.stringify([...out].map(([id, o]) => [id, o.kind, (o as any).ahead, ends.get(id)])), 'reads', server.reads.length, 'checks', server.workerChecks);
	}
}, 60000);

it('scratch users', async () => {
	for (const order of ['oldest', 'newest', { seed: 7 }] as SimOptions['order'][]) {
		const clock = new VirtualClock();
		const execs = [1, 2, 3].map((k) => createdTasks(10, 3000, { firstId: 31 + (k - 1) * 10 }).map((t) => ({ ...t, user: `u${k}` })));
		const server = simulatedServer([...others30(), ...execs.flat()], { workers: 1, order }, clock);
		const seens: Map<number, number>[] = [];
		await clock.run(execs.map((tasks, i) => async () => {
			const deps = server.deps(`u${i + 1}`);
			seens[i] = detections(server, deps);
			return await waitForTasks(targetsOf(tasks), DEFAULT_SCHEDULE, deps, { checkedFlows: ['sdxl_lighting'] });
		}));
		const lat = execs.flatMap((tasks, i) => tasks.map((t) => seens[i].get(t.id)! - server.endOf(t.id)!));
		console.log(`3users ${JSON.stringify(order)}: reads/task ${readsPerTask(server, 30).toFixed(2)} p95 ${percentile(lat, 95)} max ${Math.max(...lat)}`);
	}
}, 60000);
