import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { taskProgressWebhook, taskProgressWebhooks } from './wait/webhookHandler';
import { WAITING_TOOLTIP } from './wait/webhookWait';
import { searchFlows } from './listSearch/searchFlows';
import { getFlowInputs } from './resourceMapping/getFlowInputs';
import { flowDescription } from './resources/flow';
import { getFlow } from './resources/flow/get';
import { getManyFlows } from './resources/flow/getMany';
import { taskDescription } from './resources/task';
import { createTask } from './resources/task/create';
import { getManyTasks } from './resources/task/getMany';
import { getProgress } from './resources/task/getProgress';
import { getResults } from './resources/task/getResults';
import { waitForCompletion } from './resources/task/waitForCompletion';
import { forAgentsToo } from './shared/toolOutput';
import { CREDENTIAL_TYPE, REQUEST_DEFAULTS } from './shared/transport';

export class Visionatrix implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visionatrix',
		name: 'visionatrix',
		icon: {
			light: 'file:../../icons/visionatrix.svg',
			dark: 'file:../../icons/visionatrix.dark.svg',
		},
		group: ['transform'],
		// 1.1: Create's Output field (Task IDs, Final State, Files) in place of its Wait for Completion
		// and Download Results options; version 1 nodes keep those (see resources/task/create.ts).
		// 1.2: a waiting Create or Wait for Completion's Timeout counts each task's own run, a queue
		// that does not move ends the wait, and the cancel option also cancels the tasks the wait
		// gives up on (see wait/pollWait.ts); 1 and 1.1 keep one Timeout for the whole wait.
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		// The operation as the panel names it (a test keeps this in step with the Operation options);
		// a Create with a picked or typed flow names the flow instead, e.g. "Create: sdxl_lighting".
		subtitle:
			'={{ $parameter["resource"] + "." + $parameter["operation"] === "task.create" && /^[^=]/.test($rawParameter["flow"] || "") ? "Create: " + $rawParameter["flow"] : {"task.cancel":"Task: Cancel","task.create":"Task: Create","task.delete":"Task: Delete","task.getMany":"Task: Get Many","task.getProgress":"Task: Get Progress","task.getResults":"Task: Get Results","task.restart":"Task: Restart","task.setPriority":"Task: Set Priority","task.waitForCompletion":"Task: Wait for Completion","flow.get":"Flow: Get","flow.getMany":"Flow: Get Many"}[$parameter["resource"] + "." + $parameter["operation"]] }}',
		description: 'Run AI flows (image, video, audio, text) on a self-hosted Visionatrix server',
		defaults: { name: 'Visionatrix' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// Routing runs only the writes (Cancel, Delete, Restart, Set Priority): like every write, each
		// is sent once, to the URL given, never along a redirect (see transport.ts).
		requestDefaults: { ...REQUEST_DEFAULTS, disableFollowRedirect: true },
		// Wait Mode "On Webhook": n8n routes `<resume URL>/task-progress` calls to webhook() below.
		webhooks: taskProgressWebhooks,
		waitingNodeTooltip: WAITING_TOOLTIP,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Task', value: 'task' },
					{ name: 'Flow', value: 'flow' },
				],
				default: 'task',
			},
			...taskDescription,
			...flowDescription,
		],
	};

	methods = {
		listSearch: { searchFlows },
		resourceMapping: { getFlowInputs },
	};

	webhook = taskProgressWebhook;

	customOperations = {
		flow: { get: getFlow, getMany: getManyFlows },
		task: {
			create: forAgentsToo(createTask),
			getProgress,
			getMany: getManyTasks,
			waitForCompletion,
			getResults: forAgentsToo(getResults),
		},
	};
}
