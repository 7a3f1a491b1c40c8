import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOptions } from '../../cli/exec';
import type { ServiceSpec } from '../../core/options/service';

// The daemon is a fake (what `docker` answers is scripted below); process.kill is spied on, so no real signal is sent.
jest.mock('../../cli/docker/cli', () => ({ docker: jest.fn() }));
jest.mock('../../infra/network/probe', () => ({ httpProbe: jest.fn() }));
const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

const running = readFileSync(join(__dirname, '../../../test/fixtures/docker/container-inspect-running.json'), 'utf8');

type Lifecycle = typeof import('./lifecycle');
type Interrupt = typeof import('./interrupt');
type Outcome = 'ok' | 'killed' | 'conflict';

const SPEC: ServiceSpec = {
  project: 'svc',
  repository: 'e2e-svc/svc',
  tag: 'latest',
  platforms: ['amd64', 'arm64'],
  port: 8080,
  health: '/missing',
  timeout: 300,
  hostname: 'svc',
  buildArgs: {},
  platform: 'native',
};

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

/** A daemon: containers with their owner pid; `docker rm` outcomes in order (then ok); `docker run` held on demand. */
function fakeDaemon() {
  const containers = new Map<string, number>();
  const calls: Array<{ args: string[]; options: RunOptions }> = [];
  const removals: Outcome[] = [];
  let holdRun: (() => void) | undefined;
  const runHeld = { value: false };
  let holdImage: (() => void) | undefined;
  const imageHeld = { value: '' };
  const fail = (message: string) => Promise.reject(new Error(message));
  const docker = jest.fn(async (args: string[], options: RunOptions) => {
    calls.push({ args, options });
    const [command, sub] = args;
    if (command === 'image') {
      if (imageHeld.value && args[2].startsWith(imageHeld.value)) {
        await new Promise<void>((resolve) => (holdImage = resolve));
      }
      return { stdout: JSON.stringify([{ Id: 'sha256:1', Os: 'linux', Architecture: arch() }]) };
    }
    if (command === 'ps') return { stdout: [...containers].map(([name, pid]) => `${name}\t${pid}`).join('\n') };
    if (command === 'run') {
      const name = args[args.indexOf('--name') + 1];
      const pid = Number(args.find((a) => a.startsWith('nx-multiarch.owner-pid='))?.split('=')[1]);
      if (runHeld.value) await new Promise<void>((resolve) => (holdRun = resolve));
      containers.set(name, pid);
      return { stdout: 'id' };
    }
    if (command === 'container' && sub === 'inspect') {
      return containers.has(args[2]) ? { stdout: running } : fail(`No such container: ${args[2]}`);
    }
    if (command === 'rm') {
      const outcome = removals.shift() ?? 'ok';
      await tick(20);
      if (outcome === 'killed') return fail('docker rm exited with code 143');
      if (outcome === 'conflict') return fail('removal of container is already in progress');
      for (const name of args.slice(3)) containers.delete(name);
      return { stdout: '' };
    }
    if (command === 'logs') return { stdout: '', all: '' };
    return fail(`unexpected docker ${args.join(' ')}`);
  });
  return {
    containers,
    calls,
    removals,
    docker,
    runHeld,
    releaseRun: () => holdRun?.(),
    imageHeld,
    releaseImage: () => holdImage?.(),
  };
}

const arch = () => (process.arch === 'arm64' ? 'arm64' : 'amd64');

// Real timers (the retry and poll intervals): seconds on a busy machine, more than jest's default 5 s per test.
jest.setTimeout(30_000);

describe('build-time services: an interrupt', () => {
  let lifecycle: Lifecycle;
  let cleanup: Interrupt;
  let daemon: ReturnType<typeof fakeDaemon>;
  let kill: jest.SpyInstance;
  let exit: jest.SpyInstance;
  let before: Record<string, Function[]>;
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

  beforeEach(() => {
    jest.resetModules();
    daemon = fakeDaemon();
    (jest.requireMock('../../cli/docker/cli') as { docker: jest.Mock }).docker.mockImplementation(daemon.docker);
    // The service never gets healthy: the run is waiting for it when interrupted.
    (jest.requireMock('../../infra/network/probe') as { httpProbe: jest.Mock }).httpProbe.mockResolvedValue({
      ok: true,
      ms: 1,
      status: 404,
    });
    lifecycle = jest.requireActual('./lifecycle');
    cleanup = jest.requireActual('./interrupt');
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    // The signal was not sent, so the process is still alive after it: the handler then exits, as asked.
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as () => never);
    before = Object.fromEntries(SIGNALS.map((s) => [s, process.listeners(s)]));
  });

  afterEach(() => {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before[signal].includes(listener)) process.removeListener(signal, listener as () => void);
      }
    }
    kill.mockRestore();
    exit.mockRestore();
    process.exitCode = undefined;
  });

  /** What the process does on `signal`: the handlers startServices installed (never a real signal). */
  const interrupt = (signal: (typeof SIGNALS)[number]) => {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) (listener as (s: string) => void)(signal);
    }
  };
  const removals = () => daemon.calls.filter((c) => c.args[0] === 'rm');
  const diedOf = (signal: string) => kill.mock.calls.some(([pid, s]) => pid === process.pid && s === signal);

  it('removes the service although the first removals are killed or refused, then dies of the signal', async () => {
    let settled = false;
    void lifecycle.startServices('app', [SPEC], 'amd64', log).finally(() => (settled = true));
    await until(() => daemon.containers.size === 1, 'the service container');
    daemon.removals.push('killed', 'conflict', 'killed');

    interrupt('SIGINT');
    interrupt('SIGTERM'); // Nx's tree-kill follows: it changes nothing
    await until(() => diedOf('SIGINT'), 'the process to die of SIGINT');

    expect(daemon.containers.size).toBe(0);
    expect(removals().length).toBeGreaterThanOrEqual(4);
    // Never killed with the process's own signals (process/exec.ts passes them on to every other child).
    for (const call of removals()) expect(call.options.keepOnSignal).toBe(true);
    expect(diedOf('SIGTERM')).toBe(false);
    expect(process.exitCode).toBe(130);
    await until(() => exit.mock.calls.length > 0, 'process.exit');
    expect(exit).toHaveBeenCalledWith(130);
    // The run never went on to build, nor returned to let Nx end the process first.
    await tick(50);
    expect(settled).toBe(false);
  });

  it('waits for a docker run in flight, and removes the container it creates', async () => {
    daemon.runHeld.value = true;
    void lifecycle.startServices('app', [SPEC], 'amd64', log).catch(() => undefined);
    await until(() => daemon.calls.some((c) => c.args[0] === 'run'), 'docker run');

    interrupt('SIGINT');
    await tick(50);
    expect(daemon.calls.filter((c) => c.args[0] === 'ps').length).toBe(1); // only the orphans check, before the run
    daemon.releaseRun();
    await until(() => diedOf('SIGINT'), 'the process to die of SIGINT');

    expect(daemon.containers.size).toBe(0);
  });

  it('starts no further service once interrupted', async () => {
    (jest.requireMock('../../infra/network/probe') as { httpProbe: jest.Mock }).httpProbe.mockResolvedValue({
      ok: true,
      ms: 1,
      status: 200,
    });
    daemon.imageHeld.value = 'e2e-svc/cache:';
    const cache: ServiceSpec = { ...SPEC, project: 'cache', repository: 'e2e-svc/cache', hostname: 'cache' };
    void lifecycle.startServices('app', [SPEC, cache], 'amd64', log);
    await until(
      () => daemon.calls.some((c) => c.args[0] === 'image' && c.args[2].startsWith('e2e-svc/cache:')),
      'cache',
    );

    interrupt('SIGINT');
    daemon.releaseImage();
    await until(() => diedOf('SIGINT'), 'the process to die of SIGINT');
    await tick(50);
    expect(daemon.calls.filter((c) => c.args[0] === 'run')).toHaveLength(1);
    expect(daemon.containers.size).toBe(0);
  });

  it('stopServices during the cleanup waits for it instead of letting the executor return', async () => {
    const services = await (async () => {
      (jest.requireMock('../../infra/network/probe') as { httpProbe: jest.Mock }).httpProbe.mockResolvedValue({
        ok: true,
        ms: 1,
        status: 200,
      });
      return lifecycle.startServices('app', [SPEC], 'amd64', log);
    })();
    daemon.removals.push('killed', 'killed');
    interrupt('SIGINT');
    let returned = false;
    void lifecycle.stopServices(services.map((s) => s.container)).then(() => (returned = true));
    await until(() => diedOf('SIGINT'), 'the process to die of SIGINT');
    await tick(50);
    expect(returned).toBe(false);
    expect(daemon.containers.size).toBe(0);
  });

  it('removes only the containers this process started, and gives up at the deadline saying what is left', async () => {
    daemon.containers.set('other-run', process.pid + 1);
    daemon.containers.set('mine', process.pid);
    daemon.removals.push(...Array<Outcome>(100).fill('killed'));
    const started = Date.now();
    expect(await cleanup.removeOwnContainers(600)).toEqual(['mine']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    for (const call of removals()) expect(call.args).toEqual(['rm', '--force', '--volumes', 'mine']);

    daemon.removals.length = 0;
    expect(await cleanup.removeOwnContainers(600)).toEqual([]);
    expect([...daemon.containers.keys()]).toEqual(['other-run']);
  });
});
