/** Wait Mode "On Webhook": which calls wake a waiting node, and the URLs involved (the rest runs in test/e2e/webhook-wait.test.ts). */
import { fallbackCheckUrl, resumeTokenOf } from '../../nodes/Visionatrix/wait/resumeUrl';
import { ignoreReason } from '../../nodes/Visionatrix/wait/webhookHandler';
import { taskProgressUrl } from '../emulator/webhook';

const RESUME_URL = 'http://n8n.local:5678/webhook-waiting/42?signature=a1b2c3d4';

describe('which calls make a waiting node look at its tasks', () => {
	const tasks = [5, 6];

	test("a task's final call does (100, or any error)", () => {
		expect(
			ignoreReason(
				{ task_id: 5, progress: 100.0, execution_time: 3.2, error: '' },
				tasks,
				'Generate',
				false,
			),
		).toBeUndefined();
		expect(
			ignoreReason(
				{ task_id: 6, progress: 55.5, execution_time: 1.1, error: 'CUDA out of memory' },
				tasks,
				'Generate',
				false,
			),
		).toBeUndefined();
	});

	test('a progress call that is not final is answered and ignored', () => {
		expect(ignoreReason({ task_id: 5, progress: 55.5, error: '' }, tasks, 'Generate', false)).toBe(
			'task 5 is at 55.5%, not finished',
		);
	});

	test('a call for a task this execution does not wait for is ignored, even a final one, even after the deadline', () => {
		expect(ignoreReason({ task_id: 7, progress: 100, error: '' }, tasks, 'Generate', false)).toBe(
			'task 7 is not one this execution waits for',
		);
		expect(ignoreReason({ task_id: 7, progress: 100, error: '' }, tasks, 'Generate', true)).toBe(
			'task 7 is not one this execution waits for',
		);
	});

	test('a call without a task id is not a Visionatrix call', () => {
		expect(ignoreReason({ hello: 'world' }, tasks, 'Generate', false)).toBe(
			'not a Visionatrix task-progress call (no task_id)',
		);
		expect(ignoreReason({ task_id: 'x', progress: 100 }, tasks, 'Generate', false)).toBe(
			'not a Visionatrix task-progress call (no task_id)',
		);
	});

	test("past the deadline, any call for one of the tasks does (to end the wait with the tasks' states)", () => {
		expect(
			ignoreReason({ task_id: 5, progress: 10, error: '' }, tasks, 'Generate', true),
		).toBeUndefined();
	});

	test("the fallback check does, unless it is another node's", () => {
		expect(
			ignoreReason({ fallback_check: true, node: 'Generate' }, tasks, 'Generate', false),
		).toBeUndefined();
		expect(ignoreReason({ fallback_check: true, node: 'Upscale' }, tasks, 'Generate', false)).toBe(
			"a fallback check of node 'Upscale', not of 'Generate'",
		);
	});
});

describe('the resume URL', () => {
	test("its token, also where the server's httpx join put task-progress after it", () => {
		expect(resumeTokenOf(RESUME_URL)).toBe('a1b2c3d4');
		expect(resumeTokenOf(taskProgressUrl(RESUME_URL).href)).toBe('a1b2c3d4');
		expect(resumeTokenOf('http://elsewhere/hooks/vix')).toBeUndefined();
		expect(resumeTokenOf(null)).toBeUndefined();
		expect(resumeTokenOf('not a url')).toBeUndefined();
	});

	test('the fallback check posts to task-progress as a path segment, keeping the token', () => {
		expect(fallbackCheckUrl(RESUME_URL)).toBe(
			'http://n8n.local:5678/webhook-waiting/42/task-progress?signature=a1b2c3d4',
		);
	});
});
