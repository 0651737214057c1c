/**
 * Other people's work on a shared server: tasks queued by another user (or another client), at
 * any time, through the server's own `PUT /tasks/create/{flow}` as that user would send it. A
 * normal user cannot see them; the workers take them like any other.
 */
import type { EmulatorUser, QueuedTasks } from './types';

/** Queues the tasks; their ids. */
export async function queueTasksAs(
	apiUrl: string,
	users: readonly EmulatorUser[],
	auth: boolean,
	tasks: QueuedTasks,
): Promise<number[]> {
	const user = users.find((candidate) => candidate.username === tasks.user);
	if (!user) throw new RangeError(`queueTasks: '${tasks.user}' is not one of the emulator's users`);
	const form = new FormData();
	const fields = {
		...(tasks.inputs ?? { prompt: `${tasks.user}'s picture` }),
		count: String(tasks.count),
		priority: String(tasks.priority ?? 0),
		group_scope: String(tasks.groupScope ?? 1),
	};
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	const headers: Record<string, string> = auth
		? {
				authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
			}
		: {};
	const response = await fetch(
		`${apiUrl}/tasks/create/${encodeURIComponent(tasks.flow ?? 'sdxl_lighting')}`,
		{ method: 'PUT', headers, body: form },
	);
	if (!response.ok)
		throw new Error(`queueTasks: the server answered ${response.status} ${await response.text()}`);
	return ((await response.json()) as { tasks_ids: number[] }).tasks_ids;
}
