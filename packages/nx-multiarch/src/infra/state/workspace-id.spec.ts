import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceId } from './workspace-id';

describe('workspaceId', () => {
  it('is made once and read back after', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wsid-')), 'state');
    const id = workspaceId(dir);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(workspaceId(dir)).toBe(id);
    expect(readFileSync(join(dir, 'workspace-id'), 'utf8')).toBe(`${id}\n`);
  });

  it('is a new one once the state directory is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsid-'));
    const first = workspaceId(dir);
    rmSync(dir, { recursive: true });
    expect(workspaceId(dir)).not.toBe(first);
  });

  it('replaces an empty file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsid-'));
    writeFileSync(join(dir, 'workspace-id'), '');
    const id = workspaceId(dir);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(workspaceId(dir)).toBe(id);
  });
});
