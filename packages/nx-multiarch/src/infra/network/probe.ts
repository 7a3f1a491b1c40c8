import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';

export interface ProbeResult {
  ok: boolean;
  ms: number;
  /** HTTP status, when an HTTP answer came. */
  status?: number;
  /** Short reason on failure: `timed out after 3 s`, `ECONNREFUSED`, `ENOTFOUND`, a TLS error... */
  error?: string;
}

function reason(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(error);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = Date.now();
  try {
    return { value: await fn(), ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

/** GET a URL; any HTTP answer counts as reachable (a registry's /v2/ may well say 401). */
export async function httpProbe(url: string, timeoutMs: number): Promise<ProbeResult> {
  const { value, error, ms } = await timed(() =>
    fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' }),
  );
  if (value) return { ok: true, ms, status: value.status };
  const why = reason(error);
  return { ok: false, ms, error: why === 'timed out' ? `timed out after ${timeoutMs / 1000} s` : why };
}

/** Opens (and closes) a TCP connection, e.g. to a proxy. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: Omit<ProbeResult, 'ms'>) => {
      socket.destroy();
      resolve({ ...result, ms: Date.now() - started });
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, error: `timed out after ${timeoutMs / 1000} s` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error) => done({ ok: false, error: reason(error) }));
  });
}

/** Resolves a host name the way the system resolver does, bounded in time. */
export async function dnsProbe(host: string, timeoutMs: number): Promise<ProbeResult> {
  const { value, error, ms } = await timed(() =>
    Promise.race([
      lookup(host),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), timeoutMs).unref(),
      ),
    ]),
  );
  if (value) return { ok: true, ms };
  const why = reason(error);
  return { ok: false, ms, error: why === 'timed out' ? `timed out after ${timeoutMs / 1000} s` : why };
}
