import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateLookup } from './config';

/**
 * dockerd's per-registry certificates: `<certsDir>/<host:port>/ca.crt` (any `*.crt`) and client
 * `<name>.cert` + `<name>.key` pairs. https://docs.docker.com/engine/security/certificates/
 */
export function certsDirLookup(certsDir: string): CertificateLookup {
  return (host) => {
    const dir = join(certsDir, host);
    if (!existsSync(dir)) return undefined;
    const files = readdirSync(dir).sort();
    const ca = files.filter((f) => f.endsWith('.crt')).map((f) => join(dir, f));
    const keypair = files
      .filter((f) => f.endsWith('.cert') && files.includes(f.replace(/\.cert$/, '.key')))
      .map((f) => ({ cert: join(dir, f), key: join(dir, f.replace(/\.cert$/, '.key')) }));
    return { ca, keypair };
  };
}
