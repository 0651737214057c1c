import { WaitPlan } from '../../nodes/Visionatrix/wait/waitPlan';
import { DEFAULT_SCHEDULE } from '../../nodes/Visionatrix/wait/schedule';
import { details, stamp } from './simulatedServer';
it('x', () => {
	const plan = new WaitPlan([{ taskId: 38, deadline: Infinity, flow: 'sdxl_lighting', groupScope: 1, createdAt: 0 }, { taskId: 39, deadline: Infinity, flow: 'sdxl_lighting', groupScope: 1, createdAt: 0 }], DEFAULT_SCHEDULE, 0, { checkedFlows: ['sdxl_lighting'] });
	const states = new Map([[38, details(38, 10, { group_scope: 1, locked_at: stamp(93240), updated_at: stamp(93540), execution_time: 0.3 })], [39, details(39, 0, { group_scope: 1 })], [42, details(42, 100, { group_scope: 1, execution_time: 3.22, finished_at: stamp(93240), updated_at: stamp(93240) })]]);
	plan.learn({ kind: 'summary', name: 'sdxl_lighting', groupScope: 1, taskIds: [38, 39] }, { states, summary: { bytes: 2000, entries: 3 } }, 93750, 93750);
	console.log((plan as any).tasks.get(38), (plan as any).pace.of('sdxl_lighting'));
});
