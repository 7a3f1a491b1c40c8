import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nx, nxAsync, tempWorkspace } from './workspace';

interface Check {
  id: string;
  verdict: string;
  detail: string;
  remedy?: string;
}

function checksFrom(output: string): { summary: Record<string, number>; checks: Check[] } {
  return JSON.parse(output.slice(output.indexOf('{\n'), output.lastIndexOf('\n}') + 2));
}

describe('diagnose', () => {
  it('reports the lab correctly, QEMU probe included, and the live container builder this repo uses', () => {
    // Other workspaces may have set up a builder of the same name since: this repo's own, booted, first.
    const setup = nx(['run', 'nx-multiarch-workspace:builder-setup']);
    expect({ status: setup.status, output: setup.output.slice(-2000) }).toMatchObject({ status: 0 });
    const { status, output } = nx(['run', 'nx-multiarch-workspace:diagnose', '--json', '--probe']);
    expect(status).toBe(0);
    const { checks } = checksFrom(output);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId.daemon).toMatchObject({ verdict: 'ok', detail: expect.stringMatching(/^Docker Engine 20\.10/) });
    expect(byId.buildx).toMatchObject({ verdict: 'ok' });
    expect(byId['qemu:arm64']).toMatchObject({
      verdict: 'ok',
      detail: expect.stringContaining('uname -m in an arm64 container: aarch64'),
    });
    expect(byId.builder).toMatchObject({
      verdict: 'ok',
      detail:
        'builder nx-multiarch (docker-container): host network, entitlement, current config; nx-multiarch0 running',
    });
    expect(byId[`mirror:http://${process.env.LAB_REGISTRY ?? '127.0.0.1:5000'}`]).toMatchObject({ verdict: 'ok' });
    // Docker Hub is unreachable here, as for our users; with a mirror that is a warning, not a failure.
    expect(byId['docker-hub-token']).toMatchObject({ verdict: 'warn' });
  });

  describe('with a dead mirror and a dead proxy', () => {
    let blackhole: Server;
    const held: Socket[] = [];
    beforeAll(
      () =>
        new Promise<void>((resolve) => {
          blackhole = createServer((socket) => held.push(socket)).listen(0, '127.0.0.1', resolve);
        }),
    );
    afterAll(() => {
      held.forEach((s) => s.destroy());
      return new Promise((resolve) => blackhole.close(resolve));
    });

    it('reports each as dead, with a remedy, quickly', async () => {
      const dead = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
      const root = tempWorkspace({}, { builder: { driver: 'docker', daemonConfig: 'daemon.json' } });
      writeFileSync(
        join(root, 'daemon.json'),
        JSON.stringify({
          'registry-mirrors': [`http://${process.env.LAB_REGISTRY ?? '127.0.0.1:5000'}`, dead],
          proxies: { 'https-proxy': 'http://user:s3cret@127.0.0.1:9' },
        }),
      );
      const started = Date.now();
      const { status, output } = await nxAsync(['run', 'e2e-workspace:diagnose', '--timeout=3'], root);
      const elapsed = Date.now() - started;
      expect(status).not.toBe(0);
      expect(output).toMatch(new RegExp(`fail +mirror:${dead} +${dead}/v2/ is dead: timed out after 3 s`));
      expect(output).toContain('-> fix or remove this mirror in daemon.json, then rerun builder-setup');
      expect(output).toMatch(
        /fail +proxy:https-proxy +https-proxy http:\/\/\*\*\*@127\.0\.0\.1:9 is unreachable: ECONNREFUSED/,
      );
      expect(output).toMatch(/ok +mirror:http:\/\/127\.0\.0\.1:5000/);
      expect(output).not.toContain('s3cret');
      // The probes run side by side, each bounded by 3 s (the "timed out after 3 s" lines above); the bound here only
      // catches a probe without a timeout, with room for Nx's start-up on a busy 2-core machine.
      expect(elapsed).toBeLessThan(60_000);
    });
  });
});
