import type { TaskDetails, TaskStatus } from './types';

/** queued → running → completed, or failed (a non-empty error, wherever progress stopped). */
export function taskStatus(
	task: Pick<TaskDetails, 'progress' | 'error' | 'locked_at'>,
): TaskStatus {
	if (task.error) return 'failed';
	if (task.progress >= 100) return 'completed';
	if (task.progress > 0 || task.locked_at) return 'running';
	return 'queued';
}

/** A task ID as the server takes it: a positive whole number. */
export function parseTaskId(value: unknown): number | undefined {
	const text = typeof value === 'number' ? String(value) : String(value ?? '').trim();
	if (!/^\d+$/.test(text)) return undefined;
	const id = Number(text);
	return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
