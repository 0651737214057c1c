/* eslint-disable
	@n8n/community-nodes/no-restricted-imports
	-- test code, run by Node.js and never shipped */
/**
 * A reverse proxy in front of the emulator, as deployments put nginx, Caddy or Traefik in front of
 * Visionatrix: requests and answers pass through unchanged (streamed both ways); while the server
 * behind it cannot be reached, the proxy answers itself, by default Traefik's and Caddy's way: a
 * plain-text `502 Bad Gateway`.
 *
 *     const proxy = await startProxy(vix.url);
 *     // ... point the client at proxy.url ...
 *     await vix.stopServing();   // the proxy now answers 502 "Bad Gateway"
 *     proxy.downAnswers          // how many requests it answered itself
 */
import {
	createServer,
	request as httpRequest,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

import { HOST } from './emulator';

export interface ProxyOptions {
	/** Status while the server is unreachable (default 502). */
	status?: number;
	/** Body of that answer (default `Bad Gateway`), sent as text/plain. */
	body?: string;
	/** Port to listen on (default: a free one). */
	port?: number;
}

export interface ReverseProxy {
	/** `http://127.0.0.1:PORT`: give it as the credential's Base URL. */
	readonly url: string;
	/** Requests the proxy answered itself, the server being unreachable. */
	readonly downAnswers: number;
	stop(): Promise<void>;
}

class Proxy implements ReverseProxy {
	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private readonly target: URL;
	private port = 0;
	downAnswers = 0;

	constructor(
		target: string,
		private readonly options: ProxyOptions,
	) {
		this.target = new URL(target);
		this.server = createServer((request, response) => this.forward(request, response));
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	get url(): string {
		return `http://${HOST}:${this.port}`;
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, HOST, resolve));
		this.port = (this.server.address() as { port: number }).port;
	}

	private forward(request: IncomingMessage, response: ServerResponse): void {
		const upstream = httpRequest(
			{
				host: this.target.hostname,
				port: this.target.port,
				method: request.method,
				path: request.url,
				headers: {
					...request.headers,
					// As nginx's usual `proxy_set_header X-Forwarded-Host $host`: the name the client asked for.
					'x-forwarded-host': request.headers.host ?? '',
					host: this.target.host,
					'x-forwarded-for': request.socket.remoteAddress ?? '',
				},
			},
			(answer) => {
				response.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(response);
				// The server's answer broke off: so does the proxy's (it cannot finish it).
				answer.on('aborted', () => response.destroy());
				answer.on('error', () => response.destroy());
			},
		);
		upstream.on('error', () => {
			if (response.headersSent) {
				response.destroy();
				return;
			}
			this.downAnswers++;
			const body = this.options.body ?? 'Bad Gateway';
			response.writeHead(this.options.status ?? 502, {
				'content-type': 'text/plain; charset=utf-8',
				'content-length': Buffer.byteLength(body),
			});
			response.end(body);
		});
		request.pipe(upstream);
		request.on('aborted', () => upstream.destroy());
	}

	async stop(): Promise<void> {
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}
}

/** Starts a reverse proxy on 127.0.0.1 in front of `target` (the emulator's `url`). */
export async function startProxy(
	target: string,
	options: ProxyOptions = {},
): Promise<ReverseProxy> {
	const proxy = new Proxy(target, options);
	await proxy.listen();
	return proxy;
}
