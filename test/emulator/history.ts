/**
 * A server's past: finished tasks present before a test starts, as on a deployment that has run
 * for months. Every listing (`/tasks/progress-summary`, `/tasks/progress`) then carries them, as
 * the real server's does, and task ids start after them.
 *
 * The mix, by task index: half `sdxl_lighting`, a fifth background removals, the rest the other
 * installed flows; seven in ten in group scope 1, two in 2, one in 3; one in five of another
 * user; one in 25 failed. Each flow's graph is rendered once and shared by its tasks.
 */
import type { FlowCatalog } from './catalog';
import { isoTimestamp } from './clock';
import { renderGraph, withRealGraphSize } from './routes/create';
import type { TaskRecord, TaskStore } from './state';
import { executionDetailsJson } from './taskView';
import type { EmulatedFlow, HistoryOptions, StoredFile } from './types';
import { DEFAULT_FAILURE_MESSAGE } from './workers';

const FLOW_PATTERN = [
	'sdxl_lighting',
	'sdxl_lighting',
	'sdxl_lighting',
	'sdxl_lighting',
	'sdxl_lighting',
	'remove_background_birefnet',
	'remove_background_birefnet',
];
const GROUP_PATTERN = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3];
const PROMPTS = [
	'a watercolor map of an old harbour town at dawn, soft light',
	'product photo of a ceramic mug on a wooden table, studio lighting',
	'portrait of a red fox in fresh snow, shallow depth of field',
	'isometric illustration of a small bakery, pastel colours',
];
/** What a history task's input image weighs (a typical upload); one buffer shared by all. */
const INPUT_IMAGE: Buffer = Buffer.alloc(48 * 1024);
/** What its result file weighs, as `outputs[].file_size` reports it (no file is stored). */
const RESULT_BYTES = 1_300_000;

export function normalizeHistory(
	history: number | HistoryOptions | undefined,
	users: readonly string[],
	admins: ReadonlySet<string>,
): Required<HistoryOptions> & { otherUser?: string } {
	const options = typeof history === 'number' ? { tasks: history } : (history ?? { tasks: 0 });
	if (!Number.isInteger(options.tasks) || options.tasks < 0)
		throw new RangeError(`history must be a whole number of tasks ≥ 0, got ${options.tasks}`);
	const user = options.user ?? users.find((name) => !admins.has(name)) ?? users[0];
	if (!users.includes(user))
		throw new RangeError(`history.user '${user}' is not one of the emulator's users`);
	return { tasks: options.tasks, user, otherUser: users.find((name) => name !== user) };
}

/** The flows a history is made of: the pattern's where installed, then the rest of the catalog in turn. */
function flowFor(index: number, flows: readonly EmulatedFlow[]): EmulatedFlow {
	const slot = index % 10;
	const preferred =
		slot < FLOW_PATTERN.length
			? flows.find((flow) => flow.info.name === FLOW_PATTERN[slot])
			: undefined;
	const others = flows.filter((flow) => !FLOW_PATTERN.includes(flow.info.name));
	return preferred ?? (others.length ? others[index % others.length] : flows[index % flows.length]);
}

/** Fills `store` with `tasks` finished tasks, ids 1…tasks. */
export function seedHistory(
	store: TaskStore,
	catalog: FlowCatalog,
	options: ReturnType<typeof normalizeHistory>,
): void {
	const flows = catalog.flows;
	if (options.tasks === 0 || flows.length === 0) return;
	const graphs = new Map<string, Record<string, unknown>>();
	const graphOf = (
		flow: EmulatedFlow,
		inputParams: Record<string, string | number>,
	): Record<string, unknown> => {
		let graph = graphs.get(flow.info.name);
		if (!graph) {
			graph = withRealGraphSize(
				renderGraph(flow.comfyGraph, 0, 1, new Map()) as Record<string, unknown>,
				flow,
				inputParams,
				1,
			);
			graphs.set(flow.info.name, graph);
		}
		return graph;
	};
	const finishedAt = isoTimestamp();
	for (let index = 0; index < options.tasks; index++) {
		const id = index + 1;
		const flow = flowFor(index, flows);
		const textInputs = flow.info.input_params.filter(
			(param) => param.type === 'text' && !param.optional,
		);
		const inputParams: Record<string, string | number> = Object.fromEntries(
			textInputs.map((param) => [param.name, PROMPTS[index % PROMPTS.length]]),
		);
		if (flow.info.is_seed_supported) inputParams.seed = 1000 + index;
		const inputFiles: Array<StoredFile & { param: string }> = flow.info.input_params
			.filter((param) => param.type === 'image' && !param.optional)
			.map((param) => ({
				param: param.name,
				fileName: `${id}_${param.name}.png`,
				data: INPUT_IMAGE,
			}));
		const failed = index % 25 === 24;
		const executionTime = 2 + ((index * 7919) % 4000) / 1000;
		store.insertFinished(
			{
				id,
				flow: flow.info.name,
				userId: index % 5 === 4 && options.otherUser ? options.otherUser : options.user,
				groupScope: GROUP_PATTERN[index % GROUP_PATTERN.length],
				priority: 0,
				inputParams,
				seed: 1000 + index,
				inputFiles,
				outputs: flow.outputs.map((output) => ({
					comfyNodeId: output.comfy_node_id,
					type: output.type,
				})),
				flowComfy: graphOf(flow, inputParams),
				parentTaskId: null,
				parentTaskNodeId: null,
				hidden: flow.info.hidden === true,
				webhookUrl: null,
				webhookHeaders: null,
				translate: false,
				createdAt: store.serverStartedAt,
			},
			(task: TaskRecord) => {
				task.progress = failed ? 55.5 : 100;
				task.error = failed ? DEFAULT_FAILURE_MESSAGE : '';
				task.executionTime = executionTime;
				task.workerId = 'admin:emulator-worker-1:[EmulatedGPU]:0';
				task.updatedAt = finishedAt;
				if (!failed) {
					task.finishedAt = finishedAt;
					task.executionDetails = executionDetailsJson(executionTime);
					for (const output of task.outputs) {
						output.fileSize = RESULT_BYTES;
						output.batchSize = 1;
					}
				}
			},
		);
	}
}
