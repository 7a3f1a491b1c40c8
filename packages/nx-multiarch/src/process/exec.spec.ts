import { CommandError } from '../errors';
import { run, tail } from './exec';

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
