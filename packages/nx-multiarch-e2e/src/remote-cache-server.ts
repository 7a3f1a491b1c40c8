import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running remote cache, with what it served, so a test can tell a remote hit from a local one. */
export interface RemoteCache {
  url: string;
  token: string;
  /** The env vars an nx process needs to read from and write to this cache. */
  env: Record<string, string>;
  /** Every request served, in order: method, hash, status. */
  requests: Array<{ method: string; hash: string; status: number }>;
  /** Hashes stored. */
  entries(): string[];
  close(): Promise<void>;
}

const cachePath = /^\/v1\/cache\/([^/?#]+)$/;

/** Nx's self-hosted cache API in memory, so e2e tests can share task results between workspaces without Nx Cloud. */
export async function startRemoteCache(options: { token?: string } = {}): Promise<RemoteCache> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const store = new Map<string, Buffer>();
  const requests: RemoteCache['requests'] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? '';
    const hash = decodeURIComponent(cachePath.exec(req.url ?? '')?.[1] ?? '');
    const answer = (status: number, body?: Buffer | string, type = 'text/plain') => {
      requests.push({ method, hash, status });
      const payload = body === undefined ? undefined : Buffer.from(body);
      res.writeHead(status, payload ? { 'Content-Type': type, 'Content-Length': payload.length } : {});
      res.end(payload);
    };
    // Nx turns a 401 into a readable "Unauthorized: <body>" error only when the body is text/plain.
    if (req.headers.authorization !== `Bearer ${token}`) {
      req.resume();
      answer(401, 'Missing or invalid bearer token');
      return;
    }
    if (!hash) {
      req.resume();
      answer(404, 'Not found');
      return;
    }
    if (method === 'GET') {
      const entry = store.get(hash);
      if (entry) answer(200, entry, 'application/octet-stream');
      else answer(404, 'No cache entry');
      return;
    }
    if (method !== 'PUT') {
      req.resume();
      answer(405, 'Method not allowed');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const declared = req.headers['content-length'];
      // The spec asks servers to refuse a body shorter than Content-Length, so a cut upload never becomes an entry.
      if (declared !== undefined && Number(declared) !== body.length) answer(400, 'Body does not match Content-Length');
      else if (store.has(hash)) answer(409, 'Cache entry already exists');
      else {
        store.set(hash, body);
        answer(200);
      }
    });
    req.on('error', () => res.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token,
    env: {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
      // With Nx Cloud in use (nxCloudId, NX_CLOUD_ACCESS_TOKEN), Nx asks the cloud client and never reaches this cache.
      NX_NO_CLOUD: 'true',
    },
    requests,
    entries: () => [...store.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
