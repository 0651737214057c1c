/* eslint-disable
	@n8n/community-nodes/no-restricted-globals,
	@n8n/community-nodes/no-restricted-imports
	-- benchmark code, run by Node.js and never shipped */
/**
 * The few Visionatrix calls the baseline clients make, with plain `fetch` (no n8n): what the
 * vendor's guide does with httpx, in TypeScript.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The bench's emulators serve the current API generation (`/vapi`). */
export const API_VERSION = 'current';
export const PREFIX = '/vapi';
export const USER = { username: 'alice', password: 'alice' };

export interface TaskOutput {
	comfy_node_id: number;
	type: string;
}

export interface Progress {
	progress: number;
	error: string;
	outputs: TaskOutput[];
}

export interface SavedFiles {
	files: number;
	bytes: number;
}

/** When the client was polling (epoch ms), for counting its polling ticks. */
export interface WaitPhases {
	waitPhases: Array<{ from: number; to: number }>;
}

export class PlainClient {
	private readonly authorization = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;

	constructor(
		private readonly baseUrl: string,
		/** Where result files are written, as the guide saves them to the working directory. */
		private readonly saveDir: string,
	) {}

	private async call(method: string, path: string, body?: FormData): Promise<Response> {
		const response = await fetch(`${this.baseUrl}${PREFIX}${path}`, {
			method,
			headers: { authorization: this.authorization },
			body,
		});
		if (!response.ok) {
			throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
		}
		return response;
	}

	/** `PUT /tasks/create/{flow}` as multipart (the guide's `files=` trick); the first task id. */
	async create(flow: string, params: Record<string, string>): Promise<number> {
		const form = new FormData();
		for (const [name, value] of Object.entries(params)) form.append(name, value);
		const data = (await (await this.call('PUT', `/tasks/create/${flow}`, form)).json()) as {
			tasks_ids: number[];
		};
		if (!data.tasks_ids?.length) throw new Error('No task ID returned.');
		return data.tasks_ids[0];
	}

	async progress(taskId: number): Promise<Progress> {
		return (await (await this.call('GET', `/tasks/progress/${taskId}`)).json()) as Progress;
	}

	/** Every output of a task, one `GET /tasks/results?task_id&node_id` each, saved to a file. */
	async saveResults(taskId: number, outputs: TaskOutput[]): Promise<SavedFiles> {
		let bytes = 0;
		for (const output of outputs) {
			const response = await this.call(
				'GET',
				`/tasks/results?task_id=${taskId}&node_id=${output.comfy_node_id}`,
			);
			const content = Buffer.from(await response.arrayBuffer());
			await writeFile(join(this.saveDir, `result_${taskId}_${output.comfy_node_id}.png`), content);
			bytes += content.length;
		}
		return { files: outputs.length, bytes };
	}

	/** Polls one task every `intervalMs` (first look right away) until it is done; its outputs. */
	async waitFor(taskId: number, intervalMs: number): Promise<TaskOutput[]> {
		for (;;) {
			const details = await this.progress(taskId);
			if (details.error) throw new Error(`Task ${taskId} encountered an error: ${details.error}`);
			if (details.progress >= 100) return details.outputs ?? [];
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	}
}

export const SDXL_PARAMS = (index: number) => ({
	prompt: `bench prompt ${index}`,
	steps_number: '4 steps',
});
