import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeFixedPort } from './fault-servers';

/** The credentials the login registry accepts. */
export const LOGIN = { user: 'lab', password: 'lab-pass-2026' };
// bcrypt of LOGIN.password (the only hash docker-registry's htpasswd accepts), made once with Python's crypt:
// crypt.crypt('lab-pass-2026', '$2b$05$abcdefghijklmnopqrstuv').
const HTPASSWD = `${LOGIN.user}:$2b$05$abcdefghijklmnopqrstuuE5daCf9mFc3J2GAkYnWB2Ql45Yjz0ve\n`;

export interface AuthRegistry {
  /** `127.0.0.1:<port>`: plain HTTP on loopback, which Docker treats as insecure by default. */
  host: string;
  close(): Promise<void>;
}

/** Status of GET /v2/ (401 without credentials): whether the registry is up. */
function status(host: string, auth?: string): Promise<number> {
  return new Promise((resolve) => {
    const [hostname, port] = host.split(':');
    const headers = auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : undefined;
    const req = request({ hostname, port: Number(port), path: '/v2/', headers, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A registry of its own (Debian's docker-registry, the lab's) that requires a login: htpasswd, as users run one. */
export async function authRegistry(): Promise<AuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'nx-fault-auth-registry-'));
  writeFileSync(join(dir, 'htpasswd'), HTPASSWD);
  for (let tries = 0; tries < 3; tries++) {
    const host = `127.0.0.1:${await freeFixedPort()}`;
    writeFileSync(
      join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(dir, 'data')}`,
        'http:',
        `  addr: ${host}`,
        'auth:',
        '  htpasswd:',
        '    realm: lab',
        `    path: ${join(dir, 'htpasswd')}`,
      ].join('\n'),
    );
    const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if ((await status(host)) === 401) {
        return {
          host,
          close: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    child.kill('SIGKILL');
    await exited;
  }
  throw new Error('docker-registry with htpasswd did not start (is the lab up? it installs docker-registry)');
}
