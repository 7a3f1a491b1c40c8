import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../core/failure/errors';
import { lineSplitter, run, tail } from './exec';

// Real processes: this is the one module that spawns them.
describe('run', () => {
  it('returns stdout, stderr and their interleaving', async () => {
    const result = await run('sh', ['-c', 'echo out; echo err >&2'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'out', stderr: 'err', all: 'out\nerr' });
  });

  it('passes arguments verbatim, never through a shell', async () => {
    const hostile = '$(touch /tmp/pwned) ; `id` | && "quoted"';
    const result = await run('printf', ['%s', hostile], { timeoutMs: 10_000 });
    expect(result.stdout).toBe(hostile);
  });

  it('throws a CommandError with argv, exit code and output tail on failure', async () => {
    const error = await run('sh', ['-c', 'echo step one; echo "boom: i/o timeout" >&2; exit 3'], {
      timeoutMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({
      argv: ['sh', '-c', 'echo step one; echo "boom: i/o timeout" >&2; exit 3'],
      exitCode: 3,
      timedOut: false,
      outputTail: 'step one\nboom: i/o timeout',
      reason: 'exited with code 3',
    });
  });

  it('returns an exit code the caller named as an answer instead of throwing', async () => {
    const result = await run('sh', ['-c', 'echo "[]"; echo "Error: No such object: gone" >&2; exit 1'], {
      timeoutMs: 10_000,
      answeringExitCodes: [1],
    });
    expect(result).toMatchObject({ exitCode: 1, stdout: '[]', stderr: 'Error: No such object: gone' });
    await expect(run('sh', ['-c', 'exit 2'], { timeoutMs: 10_000, answeringExitCodes: [1] })).rejects.toThrow(
      CommandError,
    );
  });

  it('kills a process that outlives its timeout and says so', async () => {
    const started = Date.now();
    const error = (await run('sleep', ['30'], { timeoutMs: 300 }).catch((e: unknown) => e)) as CommandError;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(CommandError);
    expect(error.timedOut).toBe(true);
    expect(error.message).toBe('sleep 30 timed out after 0.3 s');
  });

  it('reports a missing program as a CommandError without an exit code', async () => {
    const error = (await run('no-such-program-xyz', [], { timeoutMs: 5_000 }).catch((e: unknown) => e)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.exitCode).toBeUndefined();
    expect(error.reason).toMatch(/^could not run \(.*ENOENT/);
  });
});

describe('tail', () => {
  it('keeps the last lines', () => {
    expect(tail('a\nb\nc\nd\n', 2)).toBe('c\nd');
  });
});

describe('run: stall timeout, prefix, log file, mask', () => {
  it('kills a process that goes quiet for longer than the stall timeout, while output keeps it alive', async () => {
    const started = Date.now();
    // Prints every 0.1 s for 0.6 s (alive), then sleeps 30 s silently (stalled).
    const script = 'for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.1; done; sleep 30';
    const error = (await run('sh', ['-c', script], { timeoutMs: 20_000, stallTimeoutMs: 400 }).catch(
      (e: unknown) => e,
    )) as CommandError;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ stalled: true, timedOut: true, reason: 'stalled: no output for 0.4 s' });
    expect(error.outputTail).toBe('tick 1\ntick 2\ntick 3\ntick 4\ntick 5\ntick 6');
  });

  it('prefixes echoed lines, writes the whole output to the log file and masks both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-log-'));
    const logFile = join(dir, 'nested/build.log');
    const written: string[] = [];
    const stdout: string[] = [];
    const result = await run('sh', ['-c', 'printf "one\\ntoken=hunter2\\npartial" >&2'], {
      timeoutMs: 10_000,
      echo: true,
      echoTo: { stdout: { write: (text) => stdout.push(text) }, stderr: { write: (text) => written.push(text) } },
      prefix: '[api linux/arm64] ',
      logFile,
      mask: (text) => text.replaceAll('hunter2', '***'),
    });
    expect(result.stderr).toBe('one\ntoken=***\npartial');
    expect(stdout).toEqual([]);
    expect(written).toEqual([
      '[api linux/arm64] one\n',
      '[api linux/arm64] token=***\n',
      '[api linux/arm64] partial\n',
    ]);
    expect(readFileSync(logFile, 'utf8')).toBe('one\ntoken=***\npartial\n');
  });

  it('masks the output tail a failure carries', async () => {
    const error = (await run('sh', ['-c', 'echo "password hunter2 rejected"; exit 1'], {
      timeoutMs: 10_000,
      mask: (text) => text.replaceAll('hunter2', '***'),
    }).catch((e: unknown) => e)) as CommandError;
    expect(error.outputTail).toBe('password *** rejected');
  });
});

describe('lineSplitter', () => {
  it('emits whole lines across chunk boundaries and the rest on flush', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    splitter.push('a\nb');
    splitter.push('c\n\nd');
    expect(lines).toEqual(['a', 'bc', '']);
    splitter.flush();
    expect(lines).toEqual(['a', 'bc', '', 'd']);
  });
});

describe('run: process groups', () => {
  it('kills what the child started too, so a timeout never waits on a grandchild holding the output open', async () => {
    const started = Date.now();
    // `docker buildx` is the docker CLI running the buildx plugin as its child: the same shape.
    const error = (await run('sh', ['-c', 'sleep 30; echo never'], { timeoutMs: 300 }).catch(
      (e: unknown) => e,
    )) as CommandError;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toMatchObject({ timedOut: true, stalled: false, reason: 'timed out after 0.3 s' });
  });

  it('passes a signal to this process on to every child but those kept on signal (a cleanup it started)', async () => {
    // The signal is emitted, not sent; process/exec.ts raises it again on this process after passing it on: not here.
    const kill = process.kill.bind(process);
    const spy = jest
      .spyOn(process, 'kill')
      .mockImplementation((pid: number, signal?: string | number) => pid === process.pid || kill(pid, signal));
    try {
      const stopped = run('sleep', ['30'], { timeoutMs: 60_000 }).catch((e: unknown) => e);
      const kept = run('sh', ['-c', 'sleep 0.3; echo done'], { timeoutMs: 60_000, keepOnSignal: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.emit('SIGHUP', 'SIGHUP');
      expect(await stopped).toBeInstanceOf(CommandError);
      expect(await kept).toMatchObject({ exitCode: 0, stdout: 'done' });
      expect(spy).toHaveBeenCalledWith(process.pid, 'SIGHUP');
    } finally {
      spy.mockRestore();
    }
  });
});
