import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimRun, runDir, runRecordPath } from './run-dir';
import { killedRuns, runOwnerPid, writeRunOwner } from './run-owner';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('runOwnerPid', () => {
  test.each([
    ['the CLI itself (plugins not isolated)', ['/usr/bin/node', '/w/node_modules/nx/bin/nx.js', 'run-many'], 200],
    [
      'an isolated plugin worker: its parent, the CLI',
      ['/usr/bin/node', '/w/node_modules/nx/dist/src/project-graph/plugins/isolation/plugin-worker.js', '/tmp/s', 'p'],
      100,
    ],
    [
      'a TypeScript plugin worker',
      ['/usr/bin/node', '--require', 'ts-node/register', '/w/isolation/plugin-worker.ts'],
      100,
    ],
    ['no script', ['/usr/bin/node'], 200],
  ])('%s', (_name, argv, expected) => {
    expect(runOwnerPid(argv, 200, 100)).toBe(expected);
  });
});

describe('killedRuns', () => {
  const owner = (pid: number, host = 'ci-1') => ({ pid, host, argv: ['nx', 'run-many'], startTime: 1_795_600_800_000 });

  it('finds the unrecorded runs whose owner on this host is gone, and nothing else', () => {
    const state = tempDir('killed-');
    const claim = (id: string) => claimRun(state, id).dir;
    writeRunOwner(claim('dead'), owner(101));
    writeRunOwner(claim('alive'), owner(102));
    writeRunOwner(claim('elsewhere'), owner(103, 'ci-2'));
    const recorded = claim('recorded');
    writeRunOwner(recorded, owner(104));
    writeFileSync(runRecordPath(recorded), '{}');
    claim('no-owner');
    writeFileSync(join(claim('torn'), 'owner.json'), '{"pid": 10');
    const alive = (pid: number) => pid === 102;
    expect(killedRuns(state, 'ci-1', alive)).toEqual([{ id: 'dead', dir: runDir(state, 'dead'), owner: owner(101) }]);
  });

  it('is empty without a runs directory', () => {
    expect(killedRuns(join(tempDir('killed-'), 'none'), 'ci-1', () => false)).toEqual([]);
  });
});
