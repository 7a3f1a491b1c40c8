import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINGERPRINT_OPT } from '../../cli/buildx/builder';
import { EMPTY_DAEMON_CONFIG, parseDaemonConfig } from '../../core/docker-config/daemon';
import { planBuilder } from './spec';
import { type BuilderRequest } from '../../core/options/builder-setup';

const daemon = parseDaemonConfig(
  readFileSync(join(__dirname, '../../../test/fixtures/daemon/lab.json'), 'utf8'),
  '/lab/daemon.json',
);
const request: BuilderRequest = {
  name: 'nx-multiarch',
  driver: 'docker-container',
  platforms: [],
  nodes: [],
  registries: {},
  bootstrap: false,
  configFile: '/ws/.nx-multiarch/builders/nx-multiarch/buildkitd.toml',
};
const noCerts = () => undefined;

describe('planBuilder', () => {
  it('a docker-container builder: host network, entitlement, generated config, proxies in both cases, fingerprint', () => {
    const plan = planBuilder(
      { ...request, image: 'mirror.example/moby/buildkit:buildx-stable-1' },
      { daemon, proxies: { httpsProxy: 'http://u:p@proxy:3128', noProxy: 'localhost' }, certificates: noCerts },
    );
    if (plan.kind !== 'create') throw new Error('expected a builder to create');
    expect(plan.spec.driverOpts).toEqual([
      ['network', 'host'],
      ['image', 'mirror.example/moby/buildkit:buildx-stable-1'],
      ['env.https_proxy', 'http://u:p@proxy:3128'],
      ['env.HTTPS_PROXY', 'http://u:p@proxy:3128'],
      ['env.no_proxy', 'localhost'],
      ['env.NO_PROXY', 'localhost'],
      [FINGERPRINT_OPT, plan.fingerprint],
    ]);
    expect(plan.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(plan.spec.buildkitdFlags).toEqual(['--allow-insecure-entitlement', 'network.host']);
    expect(plan.spec.configFile).toBe(request.configFile);
    expect(plan.hostNetwork).toBe(true);
    expect(plan.toml).toContain('[registry."docker.io"]\nmirrors = [ "127.0.0.1:5000" ]');
  });

  it('changes the fingerprint when the daemon config or an option changes, and only then', () => {
    const fingerprint = (r: BuilderRequest, d = daemon) => {
      const plan = planBuilder(r, { daemon: d, proxies: {}, certificates: noCerts });
      return plan.kind === 'create' ? plan.fingerprint : '';
    };
    const base = fingerprint(request);
    expect(fingerprint(request)).toBe(base);
    expect(
      fingerprint(request, { ...daemon, registryMirrors: [...daemon.registryMirrors, 'https://mirror.gcr.io'] }),
    ).not.toBe(base);
    expect(fingerprint({ ...request, platforms: ['linux/arm64'] })).not.toBe(base);
    expect(fingerprint({ ...request, image: 'moby/buildkit:v0.20.0' })).not.toBe(base);
  });

  it('the docker driver: nothing to inject, and it says so', () => {
    expect(
      planBuilder({ ...request, name: 'default', driver: 'docker' }, { daemon, proxies: {}, certificates: noCerts }),
    ).toEqual({
      kind: 'docker',
      name: 'default',
      hostNetwork: true,
      notes: [
        'the docker driver builds inside dockerd, which reads its own daemon.json (mirrors, proxies); nothing to inject',
      ],
      warnings: [],
    });
  });

  it('a remote builder: no driver options, no host network, a note naming each node and the file to copy there', () => {
    const plan = planBuilder(
      {
        ...request,
        driver: 'remote',
        endpoint: 'tcp://buildkitd:1234',
        nodes: [{ name: 'armnode', endpoint: 'tcp://arm:1234', platforms: ['linux/arm64'] }],
      },
      { daemon: EMPTY_DAEMON_CONFIG, proxies: {}, certificates: noCerts },
    );
    expect(plan).toMatchObject({
      kind: 'create',
      hostNetwork: false,
      notes: [],
      remoteNote:
        `remote BuildKit nodes read their own buildkitd.toml, which nx-multiarch cannot change: copy ` +
        `${request.configFile} (generated from no daemon.json) to each of nx-multiarch0 (tcp://buildkitd:1234), ` +
        `armnode (tcp://arm:1234) and restart buildkitd there with --config <that file>`,
      spec: {
        driver: 'remote',
        driverOpts: [],
        buildkitdFlags: [],
        nodes: [
          { name: 'nx-multiarch0', endpoint: 'tcp://buildkitd:1234', platforms: [] },
          { name: 'armnode', endpoint: 'tcp://arm:1234', platforms: ['linux/arm64'] },
        ],
      },
    });
  });

  it('passes daemon.json warnings on', () => {
    const warned = {
      ...daemon,
      warnings: ["d.json: 'httpProxy' is not a daemon.json key and is ignored; use 'proxies.http-proxy'"],
    };
    expect(planBuilder(request, { daemon: warned, proxies: {}, certificates: noCerts }).warnings).toEqual(
      warned.warnings,
    );
  });
});
