import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLock } from './lock';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withLock', () => {
  it('runs holders one at a time', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'lock-')), 'state/builder.lock');
    const events: string[] = [];
    const holder = (id: string) =>
      withLock(
        lock,
        async () => {
          events.push(`${id} in`);
          await sleep(50);
          events.push(`${id} out`);
        },
        { timeoutMs: 5_000, pollMs: 5 },
      );
    await Promise.all([holder('a'), holder('b'), holder('c')]);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i].replace(' in', ' out'));
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose owner died', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'lock-')), 'builder.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), '999999');
    await expect(withLock(lock, async () => 'mine', { timeoutMs: 1_000, isAlive: () => false })).resolves.toBe('mine');
  });

  it('gives up after its timeout on a live owner, naming it', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'lock-')), 'builder.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), '4242');
    await expect(
      withLock(lock, async () => 'never', { timeoutMs: 100, pollMs: 10, isAlive: () => true }),
    ).rejects.toThrow(`timed out after 0.1 s waiting for ${lock} (held by pid 4242)`);
  });

  it('releases the lock when the work fails', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'lock-')), 'builder.lock');
    await expect(withLock(lock, async () => Promise.reject(new Error('boom')), { timeoutMs: 1_000 })).rejects.toThrow(
      'boom',
    );
    expect(existsSync(lock)).toBe(false);
  });
});
