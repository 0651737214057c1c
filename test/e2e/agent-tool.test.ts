/* eslint-disable
	@n8n/community-nodes/require-node-api-error
	-- test code, run by Node.js and never shipped */
/**
 * End to end: examples/agent-generates-images.json in a real n8n: n8n's AI Agent with an OpenAI
 * chat model whose credential points at a scripted chat-completions server on loopback, and the
 * Visionatrix node attached as its tool (Create Task, Download Results, the prompt from `$fromAI()`
 * and an input given by name from `$fromAI()`), against the emulator.
 *
 * The script: to the agent's first request the "model" answers with a call of the Visionatrix tool
 * for a prompt it chose; to the second, a final answer quoting the tool's result.
 *
 * Needs `npm run build` (dist/) and the n8n install (scripts/test.sh does both).
 */
import type { VisionatrixEmulator } from '../emulator/types';
import { loadExample, nodeOutput, prepareWorkflow, type N8nRunData } from '../n8n';
import { runOnEmulator, type EmulatorRun } from '../n8n/session';
import {
	messageText,
	startScriptedChatModel,
	type ChatRequest,
	type ScriptedChatModel,
	type ScriptStep,
} from './scripted-chat-model';

const N8N_TIMEOUT_MS = 180_000;
const TOOL_NODE = 'Generate Image';
const AGENT = 'AI Agent';
const MODEL_PROMPT = 'a lighthouse at dusk, warm light in the windows, calm sea, watercolor';

interface ToolFile {
	file_name: string;
	type: string;
	mime_type: string;
	file_size: number;
}
interface ToolAnswer {
	task_id: number;
	flow: string;
	status: string;
	files: ToolFile[];
}

/** The tool's result as the agent handed it back to the model (the `tool` message). */
function toolResultIn(request: ChatRequest): { raw: string; answer: ToolAnswer[] } {
	const message = request.messages.find((m) => m.role === 'tool');
	if (!message)
		throw new Error(`no tool message in: ${JSON.stringify(request.messages.map((m) => m.role))}`);
	const raw = messageText(message);
	return { raw, answer: JSON.parse(raw) as ToolAnswer[] };
}

interface AgentRun extends EmulatorRun {
	model: ScriptedChatModel;
}

/**
 * The example against the emulator (set up first by `setUp`), its OpenAI credential pointing at a
 * model that answers with `script`, the tool polling every 0.5 s. stop() stops the model too.
 */
async function runAgent(
	script: ScriptStep[],
	setUp: (emulator: VisionatrixEmulator) => void = () => {},
): Promise<AgentRun> {
	const model = await startScriptedChatModel(script);
	try {
		const session = await runOnEmulator({
			emulator: { taskDurationMs: 300, workers: 1 },
			credentials: [
				{
					id: 'vixDemoOpenAi001',
					name: 'OpenAI account',
					type: 'openAiApi',
					data: { apiKey: 'sk-scripted', url: model.baseUrl },
				},
			],
			workflow: (credential, emulator) => {
				setUp(emulator);
				const workflow = prepareWorkflow(loadExample('agent-generates-images.json'), {
					credential,
				});
				(
					workflow.nodes.find((node) => node.name === TOOL_NODE)!.parameters.options as Record<
						string,
						unknown
					>
				).pollInterval = 0.5;
				return workflow;
			},
			timeoutMs: N8N_TIMEOUT_MS,
		});
		const stop = async () => {
			await session.stop();
			await model.stop();
		};
		return { ...session, model, stop };
	} catch (error) {
		await model.stop();
		throw error;
	}
}

describe('examples/agent-generates-images.json: the Visionatrix node as the tool of a real AI Agent', () => {
	let agent: AgentRun | undefined;
	let emulator: VisionatrixEmulator;
	let model: ScriptedChatModel;
	let run: N8nRunData;
	let toolName: string;

	beforeAll(async () => {
		agent = await runAgent([
			(request) => {
				toolName = request.tools![0].function.name;
				return {
					toolCall: {
						name: toolName,
						arguments: { prompt: MODEL_PROMPT, steps_number: '4 steps' },
					},
				};
			},
			(request) => {
				const [task] = toolResultIn(request).answer;
				const file = task.files[0];
				return {
					text: `Done: task ${task.task_id} is ${task.status}; your picture is ${file.file_name} (${file.type}, ${file.mime_type}).`,
				};
			},
		]);
		({ emulator, model, run } = agent);
	}, N8N_TIMEOUT_MS + 60_000);

	afterAll(async () => await agent?.stop());

	it('offers the model the tool with its description and the $fromAI() inputs, described', () => {
		expect(run.status).toBe('success');
		const [first] = model.requests;
		expect(first.tools).toHaveLength(1);
		const offered = first.tools![0].function;
		expect(offered.name).toBe('Generate_Image');
		expect(offered.description).toMatch(
			/^Generates an image on the Visionatrix server from a text prompt/,
		);
		expect(offered.parameters?.properties).toEqual({
			prompt: expect.objectContaining({
				type: 'string',
				description: 'What the image shows, as a detailed description in English',
			}),
			steps_number: expect.objectContaining({
				type: 'string',
				description: 'Quality: "4 steps" is faster, "8 steps" is better',
			}),
		});
		expect(messageText(first.messages.find((m) => m.role === 'user')!)).toContain(
			'a lighthouse at dusk',
		);
	});

	it('creates the task with the prompt the model chose and the input given by name', () => {
		const creates = emulator.requests.filter(
			(r) => r.method === 'PUT' && r.path === '/vapi/tasks/create/sdxl_lighting',
		);
		expect(creates).toHaveLength(1);
		const [task] = emulator.tasks;
		expect(task.inputParams).toMatchObject({ prompt: MODEL_PROMPT, steps_number: '4 steps' });
		expect(task.state).toBe('completed');
	});

	it('hands the model the task id, status, file names and types, and no base64', () => {
		expect(model.requests).toHaveLength(2);
		const { raw, answer } = toolResultIn(model.requests[1]);
		const [task] = emulator.tasks;
		expect(answer).toEqual([
			{
				task_id: task.id,
				flow: 'sdxl_lighting',
				status: 'completed',
				files: [
					{
						node_id: 9,
						batch_index: 0,
						type: 'image',
						file_name: `${task.id}_9_00001.png`,
						mime_type: 'image/png',
						file_size: task.results[0].data.length,
					},
				],
			},
		]);
		// No file content: no long base64 run, no PNG signature in base64.
		expect(raw).not.toMatch(/[A-Za-z0-9+/=]{100,}/);
		expect(raw).not.toContain('iVBORw0KGgo');
		expect(raw.length).toBeLessThan(400);
	});

	it("ends with the agent's final answer quoting the tool's result", () => {
		const [task] = emulator.tasks;
		expect(nodeOutput(run, AGENT).map((item) => item.json.output)).toEqual([
			`Done: task ${task.id} is completed; your picture is ${task.id}_9_00001.png (image, image/png).`,
		]);
	});
});

describe('the same agent when the task fails on the server', () => {
	let agent: AgentRun | undefined;
	let emulator: VisionatrixEmulator;
	let model: ScriptedChatModel;
	let run: N8nRunData;

	beforeAll(async () => {
		agent = await runAgent(
			[
				(request) => ({
					toolCall: {
						name: request.tools![0].function.name,
						arguments: { prompt: MODEL_PROMPT, steps_number: '8 steps' },
					},
				}),
				(request) => ({
					text: `It did not work: ${(JSON.parse(messageText(request.messages.find((m) => m.role === 'tool')!)) as Array<{ error: string }>)[0].error}`,
				}),
			],
			(vix) => vix.failNextTasks(1, 'CUDA out of memory'),
		);
		({ emulator, model, run } = agent);
	}, N8N_TIMEOUT_MS + 60_000);

	afterAll(async () => await agent?.stop());

	it("hands the model the server's error, naming the task, and the agent can say so", () => {
		expect(run.status).toBe('success');
		const [task] = emulator.tasks;
		expect(task.state).toBe('failed');
		const [toolMessage] = JSON.parse(
			messageText(model.requests[1].messages.find((m) => m.role === 'tool')!),
		) as Array<{ error: string }>;
		expect(toolMessage.error).toContain(
			`Task ${task.id} failed on the Visionatrix server: CUDA out of memory`,
		);
		expect(nodeOutput(run, AGENT).map((item) => item.json.output)).toEqual([
			`It did not work: ${toolMessage.error}`,
		]);
	});
});
