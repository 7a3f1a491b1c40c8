import { extendHash, INPUTS_NODE, type TaskHash } from './key';

const base: TaskHash = {
  value: '1234567890',
  details: { command: 'hub:build-image', nodes: { 'hub:dockerImage': 'aa', 'env:DOCKER_HOST': 'bb' } },
};
const stands = { ok: true as const };
let n = 0;
const unique = () => `nonce-${++n}`;

describe('extendHash', () => {
  it('is the same for the same inputs, workspace and a standing record: what lets a warm run hit', () => {
    const first = extendHash(base, { builtFrom: 'demo/base@sha256:1' }, 'ws-1', stands, unique);
    const again = extendHash(base, { builtFrom: 'demo/base@sha256:1' }, 'ws-1', stands, unique);
    expect(again).toEqual(first);
    expect(first.value).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['Nx’s own hash', { ...base, value: '999' }, { builtFrom: 'demo/base@sha256:1' }, 'ws-1'],
    ['an extra input (what it is built from)', base, { builtFrom: 'demo/base@sha256:2' }, 'ws-1'],
    ['the workspace (another state directory, another machine)', base, { builtFrom: 'demo/base@sha256:1' }, 'ws-2'],
  ])('changes with %s', (_, hash, extra, workspace) => {
    const reference = extendHash(base, { builtFrom: 'demo/base@sha256:1' }, 'ws-1', stands, unique);
    expect(extendHash(hash, extra, workspace, stands, unique).value).not.toBe(reference.value);
  });

  it('is new every time a recorded result fell, so no cache entry answers; the inputs part stays', () => {
    const fallen = { ok: false as const, why: 'demo/hub:latest-arm64 left the daemon' };
    const standing = extendHash(base, {}, 'ws-1', stands, unique);
    const first = extendHash(base, {}, 'ws-1', fallen, unique);
    const second = extendHash(base, {}, 'ws-1', fallen, unique);
    expect(new Set([standing.value, first.value, second.value]).size).toBe(3);
    expect(first.details.nodes[INPUTS_NODE]).toBe(standing.details.nodes[INPUTS_NODE]);
    expect(first.details.nodes['nx-multiarch:standing']).toBe('rerun: demo/hub:latest-arm64 left the daemon');
  });

  it("keeps Nx's details and adds digests, never the extra inputs' text (they may hold proxy credentials)", () => {
    const extended = extendHash(base, { builder: '{"proxy":"http://u:s3cret@proxy:3128"}' }, 'ws-1', stands, unique);
    expect(extended.details.command).toBe('hub:build-image');
    expect(extended.details.nodes).toMatchObject(base.details.nodes);
    expect(JSON.stringify(extended)).not.toContain('s3cret');
    expect(extended.details.nodes['nx-multiarch:builder']).toMatch(/^[0-9a-f]{32}$/);
  });
});
