import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a forward proxy saw: one line per request it forwarded, and how many it refused for lack of credentials. */
export interface ForwardProxy {
  url: (credentials?: string) => string;
  forwarded: string[];
  refused: number;
  close: () => Promise<void>;
}

/**
 * A plain-HTTP forward proxy on loopback that asks for Basic credentials (407 without them) and forwards to the
 * host the request names, as a corporate proxy in front of a registry mirror does.
 */
export async function forwardProxy(user: string, password: string): Promise<ForwardProxy> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const state = { forwarded: [] as string[], refused: 0 };
  const server = createServer((req: IncomingMessage, res) => {
    if (req.headers['proxy-authorization'] !== expected) {
      state.refused += 1;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="lab"' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    state.forwarded.push(`${req.method} ${target.host}${target.pathname}`);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (credentials = `${user}:${password}`) => `http://${credentials}@127.0.0.1:${port}`,
    get forwarded() {
      return state.forwarded;
    },
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
