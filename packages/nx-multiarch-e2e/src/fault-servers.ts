import {
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';

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

/**
 * A loopback port nothing listens on: connections are refused. Below 1024, which only root binds and `listen(0)`
 * never hands out, so no server of this suite can take it between the probe and the test's use of it.
 */
export async function refusingPort(): Promise<number> {
  for (let port = 1001; port < 1024; port++) {
    if (!(await answers(port))) return port;
  }
  throw new Error('every loopback port in 1001-1023 accepts connections: no refusing port for this fault');
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** How a fault proxy treats every request; `forward` passes it on, as a healthy proxy does. */
export type ProxyMode = 'forward' | 'reset' | 'blackhole' | 'auth-required';

export interface FaultProxy extends FaultServer {
  /** The proxy URL with credentials, as a user writes it in daemon.json `proxies`. */
  url: string;
  mode: ProxyMode;
  /** Requests that reached the proxy, in order: `<mode> <method> <host><path>`. */
  requests: string[];
}

/**
 * A plain-HTTP forward proxy on loopback whose behaviour the test switches between cases: forward, reset every
 * connection (RST), accept and never answer, or answer 407 Proxy Authentication Required.
 */
export async function faultProxy(user: string, password: string): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const state = { mode: 'forward' as ProxyMode, requests: [] as string[] };
  const server = createHttpServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://invalid');
    state.requests.push(`${state.mode} ${req.method} ${target.host}${target.pathname}`);
    if (state.mode === 'auth-required') {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="fault-proxy"' }).end();
      return;
    }
    if (state.mode === 'blackhole') return;
    if (state.mode === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    url: `http://${user}:${password}@127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(mode: ProxyMode) {
      state.mode = mode;
    },
    requests: state.requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
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

/** Decides what becomes of one request: `pass` forwards it upstream; anything else has handled it (or dropped it). */
export type Intercept = (req: IncomingMessage, res: ServerResponse, server: InterceptingRegistry) => 'pass' | 'handled';

export interface InterceptingRegistry extends FaultServer {
  /** Every request, in order: `<method> <path>`. */
  requests: string[];
  /** Drops every open connection and stops listening: the registry is gone (connections are refused after). */
  vanish(): void;
}

/** A registry on loopback that forwards to `upstream` (the lab's) whatever `intercept` lets pass. */
export async function interceptingRegistry(upstream: string, intercept: Intercept): Promise<InterceptingRegistry> {
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let self: InterceptingRegistry;
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (intercept(req, res, self) === 'handled') return;
    const forward = request(
      {
        host: upstreamHost,
        port: Number(upstreamPort),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (answer) => {
        // Locations of uploads name the upstream: the client must come back here.
        const headers = { ...answer.headers };
        if (typeof headers.location === 'string')
          headers.location = headers.location.replace(upstream, req.headers.host ?? upstream);
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  let closed = false;
  const vanish = () => {
    if (closed) return;
    closed = true;
    server.close();
    for (const socket of sockets) socket.resetAndDestroy();
  };
  self = {
    port,
    requests,
    vanish,
    close: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        closed = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return self;
}

/** A free loopback port below the ephemeral range, so no `listen(0)` of this suite can take it before its owner does. */
export async function freeFixedPort(from = 20_000, to = 30_000): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (!(await answers(port))) return port;
  }
  throw new Error(`no free loopback port in ${from}-${to}`);
}
