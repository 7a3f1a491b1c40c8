import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import { tryLock, unlock, withLock, withSlot } from './lock';

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

  it('tells a holder that has to wait, once; the first to come hears nothing', async () => {
    const lock = join(mkdtempSync(join(tmpdir(), 'lock-')), 'locks/api-api-arm64');
    const waits: string[] = [];
    const holder = (id: string, ms: number) =>
      withLock(lock, () => sleep(ms), { timeoutMs: 5_000, pollMs: 5, onWait: () => waits.push(id) });
    const first = holder('first', 80);
    await sleep(5);
    await Promise.all([first, holder('second', 1)]);
    expect(waits).toEqual(['second']);
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

const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A lock directory as another process leaves it: the directory with its owner's pid inside. */
function heldBy(lockDir: string, pid: number): void {
  mkdirSync(lockDir, { recursive: true });
  writeFileSync(join(lockDir, 'pid'), String(pid));
}

describe('tryLock and unlock', () => {
  it('takes a free lock, creating its parent, and writes its own pid', () => {
    const lock = join(tempDir(), 'state/builder.lock');
    const isAlive = jest.fn(() => true);
    expect(tryLock(lock, isAlive)).toEqual({});
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
    expect(isAlive).not.toHaveBeenCalled();
    unlock(lock);
    expect(existsSync(lock)).toBe(false);
  });

  it('reports a live owner and leaves its lock alone', () => {
    const lock = join(tempDir(), 'builder.lock');
    heldBy(lock, 4242);
    const isAlive = jest.fn(() => true);
    expect(tryLock(lock, isAlive)).toEqual({ owner: 4242 });
    expect(isAlive).toHaveBeenCalledWith(4242);
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe('4242');
  });

  it('takes over the lock of a dead owner', () => {
    const lock = join(tempDir(), 'builder.lock');
    heldBy(lock, 999999);
    const isAlive = jest.fn((pid: number) => pid !== 999999);
    expect(tryLock(lock, isAlive)).toEqual({});
    expect(isAlive).toHaveBeenCalledWith(999999);
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
  });

  it('counts a lock whose owner has not written its pid yet as taken', () => {
    const lock = join(tempDir(), 'builder.lock');
    mkdirSync(lock);
    const isAlive = jest.fn(() => false);
    expect(tryLock(lock, isAlive).owner).toBeNaN();
    expect(isAlive).not.toHaveBeenCalled();
    expect(existsSync(lock)).toBe(true);
  });

  it('unlocks a lock that is not there without complaint', () => {
    const lock = join(tempDir(), 'builder.lock');
    expect(() => unlock(lock)).not.toThrow();
    expect(existsSync(lock)).toBe(false);
  });
});

describe('withSlot', () => {
  it('runs at most `limit` at once; the others wait and hear it once', async () => {
    const dir = join(tempDir(), 'emulated');
    let inside = 0;
    let most = 0;
    const events: string[] = [];
    const onWait = { a: jest.fn(), b: jest.fn(), c: jest.fn() };
    const caller = (id: keyof typeof onWait) =>
      withSlot(
        dir,
        2,
        async () => {
          inside++;
          most = Math.max(most, inside);
          events.push(`${id} in`);
          await sleep(60);
          events.push(`${id} out`);
          inside--;
          return id;
        },
        { timeoutMs: 5_000, pollMs: 10, onWait: onWait[id] },
      );
    await expect(Promise.all([caller('a'), caller('b'), caller('c')])).resolves.toEqual(['a', 'b', 'c']);
    expect(most).toBe(2);
    // a and b took the two slots at once; c waited for one of them to leave.
    expect(events.slice(0, 2)).toEqual(['a in', 'b in']);
    expect(events.indexOf('c in')).toBeGreaterThan(Math.min(events.indexOf('a out'), events.indexOf('b out')));
    expect(onWait.a).not.toHaveBeenCalled();
    expect(onWait.b).not.toHaveBeenCalled();
    expect(onWait.c).toHaveBeenCalledTimes(1);
    expect(existsSync(join(dir, 'slot-0'))).toBe(false);
    expect(existsSync(join(dir, 'slot-1'))).toBe(false);
  });

  it('releases the slot when the work fails', async () => {
    const dir = join(tempDir(), 'emulated');
    await expect(
      withSlot(dir, 1, async () => Promise.reject(new Error('boom')), { timeoutMs: 1_000, pollMs: 10 }),
    ).rejects.toThrow('boom');
    expect(existsSync(join(dir, 'slot-0'))).toBe(false);
    const onWait = jest.fn();
    await expect(withSlot(dir, 1, async () => 'next', { timeoutMs: 1_000, pollMs: 10, onWait })).resolves.toBe('next');
    expect(onWait).not.toHaveBeenCalled();
  });

  it('takes over the slot of a dead owner', async () => {
    const dir = join(tempDir(), 'emulated');
    heldBy(join(dir, 'slot-0'), 999999);
    const onWait = jest.fn();
    await expect(
      withSlot(dir, 1, async () => 'mine', { timeoutMs: 1_000, pollMs: 10, isAlive: () => false, onWait }),
    ).resolves.toBe('mine');
    expect(onWait).not.toHaveBeenCalled();
  });

  it('gives up after its timeout when every slot stays held, naming the dir and the limit', async () => {
    const dir = join(tempDir(), 'emulated');
    heldBy(join(dir, 'slot-0'), 4242);
    heldBy(join(dir, 'slot-1'), 4343);
    const fn = jest.fn(async () => 'never');
    const onWait = jest.fn();
    const run = withSlot(dir, 2, fn, { timeoutMs: 100, pollMs: 10, isAlive: () => true, onWait });
    await expect(run).rejects.toThrow(PluginError);
    await expect(run).rejects.toThrow(`timed out after 0.1 s waiting for one of 2 slots in ${dir}`);
    expect(fn).not.toHaveBeenCalled();
    expect(onWait).toHaveBeenCalledTimes(1);
  });
});
