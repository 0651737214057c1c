/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * A scripted OpenAI-compatible chat-completions server on loopback, for driving n8n's AI Agent
 * without a model: each `POST /v1/chat/completions` is answered by the next step of the script,
 * which sees the request (the tools the agent offers, the messages so far) and says what the
 * "model" answers: a tool call or a final text. Every request is kept for the test to read.
 * Streamed requests (`stream: true`) get the same answer as server-sent chunks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: ToolCall[];
	tool_call_id?: string;
}

export interface ToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface OfferedTool {
	type: 'function';
	function: {
		name: string;
		description?: string;
		parameters?: {
			properties?: Record<string, { type?: string; description?: string }>;
			required?: string[];
		};
	};
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: OfferedTool[];
	stream?: boolean;
	[key: string]: unknown;
}

export type ScriptedAnswer =
	| { toolCall: { name: string; arguments: Record<string, unknown> } }
	| { text: string };

export type ScriptStep = (request: ChatRequest) => ScriptedAnswer;

export interface ScriptedChatModel {
	/** The base URL an OpenAI credential takes (`http://127.0.0.1:<port>/v1`). */
	baseUrl: string;
	requests: ChatRequest[];
	stop(): Promise<void>;
}

/** The text of a message, whether the client sent a string or content parts. */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

function completion(request: ChatRequest, answer: ScriptedAnswer, index: number) {
	const message =
		'toolCall' in answer
			? {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_${index}`,
							type: 'function',
							function: {
								name: answer.toolCall.name,
								arguments: JSON.stringify(answer.toolCall.arguments),
							},
						},
					],
				}
			: { role: 'assistant', content: answer.text };
	return {
		id: `chatcmpl-scripted-${index}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: request.model,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: 'toolCall' in answer ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/** The same answer as `chat.completion.chunk` events. */
function chunks(request: ChatRequest, answer: ScriptedAnswer, index: number): string {
	const base = {
		id: `chatcmpl-scripted-${index}`,
		object: 'chat.completion.chunk',
		created: Math.floor(Date.now() / 1000),
		model: request.model,
	};
	const delta =
		'toolCall' in answer
			? {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							index: 0,
							id: `call_${index}`,
							type: 'function',
							function: {
								name: answer.toolCall.name,
								arguments: JSON.stringify(answer.toolCall.arguments),
							},
						},
					],
				}
			: { role: 'assistant', content: answer.text };
	const events = [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{
			...base,
			choices: [
				{ index: 0, delta: {}, finish_reason: 'toolCall' in answer ? 'tool_calls' : 'stop' },
			],
			usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
		},
	];
	return `${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: [DONE]\n\n`;
}

async function readBody(request: IncomingMessage): Promise<string> {
	const parts: Buffer[] = [];
	for await (const part of request) parts.push(part as Buffer);
	return Buffer.concat(parts).toString('utf8');
}

export async function startScriptedChatModel(script: ScriptStep[]): Promise<ScriptedChatModel> {
	const requests: ChatRequest[] = [];
	const reply = (response: ServerResponse, status: number, body: unknown) => {
		response.writeHead(status, { 'content-type': 'application/json' });
		response.end(JSON.stringify(body));
	};
	const server = createServer((request, response) => {
		void (async () => {
			const path = (request.url ?? '').split('?')[0];
			if (request.method === 'GET' && path === '/v1/models') {
				return reply(response, 200, {
					object: 'list',
					data: [{ id: 'scripted-model', object: 'model', owned_by: 'tests' }],
				});
			}
			if (request.method !== 'POST' || path !== '/v1/chat/completions') {
				return reply(response, 404, {
					error: { message: `no route ${request.method} ${path}`, type: 'invalid_request_error' },
				});
			}
			const chat = JSON.parse(await readBody(request)) as ChatRequest;
			requests.push(chat);
			const step = script[requests.length - 1];
			if (!step) {
				return reply(response, 500, {
					error: {
						message: `the script has ${script.length} steps; request ${requests.length} is one too many`,
						type: 'server_error',
					},
				});
			}
			let answer: ScriptedAnswer;
			try {
				answer = step(chat);
			} catch (error) {
				return reply(response, 500, {
					error: {
						message: `script step ${requests.length} failed: ${(error as Error).message}`,
						type: 'server_error',
					},
				});
			}
			if (chat.stream) {
				response.writeHead(200, {
					'content-type': 'text/event-stream',
					'cache-control': 'no-cache',
				});
				response.end(chunks(chat, answer, requests.length));
				return;
			}
			reply(response, 200, completion(chat, answer, requests.length));
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		stop: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
