import {
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

/** A server on 127.0.0.1 that the test stops; `port` is where it listens. */
export interface FaultServer {
  port: number;
  close(): Promise<void>;
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** Accepts connections and never says a word: what makes BuildKit and dockerd wait forever. */
export async function hangingServer(): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: connections are refused. */
export async function refusingPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What the stub answers to the n-th (1-based) manifest request; `serve` passes it to the real registry. */
export type ManifestAnswer = 'serve' | { status: 404 | 401 | 403 | 429 | 500 | 502 | 503; retryAfter?: number };

export interface RegistryStub extends FaultServer {
  /** Manifest requests seen (GET and HEAD), in order. */
  manifestRequests: string[];
}

const ERRORS: Record<number, { code: string; message: string }> = {
  401: { code: 'UNAUTHORIZED', message: 'authentication required' },
  403: { code: 'DENIED', message: 'requested access to the resource is denied' },
  404: { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
  429: { code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' },
};

/**
 * A Docker registry (HTTP, on loopback, which Docker treats as insecure) that answers manifest requests as
 * `answer` says and passes everything else, and served manifests, to `upstream` (the lab's registry).
 */
export async function registryStub(answer: (n: number) => ManifestAnswer, upstream: string): Promise<RegistryStub> {
  const manifestRequests: string[] = [];
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const forward = request(
      {
        host: upstreamHost,
        port: Number(upstreamPort),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  };
  const server = createHttpServer((req, res) => {
    if (!/^\/v2\/.+\/manifests\//.test(req.url ?? '')) return proxy(req, res);
    manifestRequests.push(`${req.method} ${req.url}`);
    const decision = answer(manifestRequests.length);
    if (decision === 'serve') return proxy(req, res);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Docker-Distribution-API-Version': 'registry/2.0',
      ...(decision.retryAfter !== undefined && { 'Retry-After': String(decision.retryAfter) }),
    };
    const error = ERRORS[decision.status];
    res.writeHead(decision.status, headers);
    res.end(error ? JSON.stringify({ errors: [{ ...error, detail: null }] }) : '');
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    manifestRequests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
