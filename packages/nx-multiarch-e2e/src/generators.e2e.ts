import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, imagePlatform, INSTALLED_PLUGIN_WORKSPACE, nx, runImage } from './workspace';

/** A workspace as create-nx-workspace leaves it (no plugin yet), with nx-multiarch npm-installed beside nx. */
function brandNewWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-multiarch-e2e-new-'));
  symlinkSync(join(INSTALLED_PLUGIN_WORKSPACE, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@acme/source', version: '0.0.0', private: true }));
  writeFileSync(
    join(root, 'nx.json'),
    JSON.stringify({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*', 'sharedGlobals'], sharedGlobals: [] },
    }),
  );
  writeFileSync(join(root, '.gitignore'), 'node_modules\ndist\n');
  return root;
}

// As typed by a user: nx() adds --output-style, which a generator would take for one of its options.
const generate = (args: string[], root: string) =>
  exec(join(root, 'node_modules/.bin/nx'), ['g', ...args, '--no-interactive'], root);

describe('generators, as a user runs them in a new workspace', () => {
  const root = brandNewWorkspace();
  const read = (file: string) => readFileSync(join(root, file), 'utf8');

  it('init registers the plugin and ignores its state; running it again changes nothing', () => {
    const first = generate(['nx-multiarch:init', '--imagePrefix=gen/', '--driver=docker'], root);
    expect(first.output).toContain('UPDATE nx.json');
    expect(first.status).toBe(0);
    const nxJson = JSON.parse(read('nx.json'));
    expect(nxJson.plugins).toEqual([
      {
        plugin: 'nx-multiarch',
        options: {
          components: ['images/*'],
          registry: '',
          imagePrefix: 'gen/',
          tag: 'latest',
          platforms: ['amd64', 'arm64'],
          builder: { driver: 'docker' },
        },
      },
    ]);
    expect(read('.gitignore')).toMatch(/^node_modules\ndist\n[\s\S]*\.nx-multiarch\/\n\.env\n$/);
    const before = [read('nx.json'), read('.gitignore')];
    expect(generate(['nx-multiarch:init'], root).status).toBe(0);
    expect([read('nx.json'), read('.gitignore')]).toEqual(before);
  });

  it('component scaffolds a project; --dry-run writes nothing; bad input is refused with the fix', () => {
    expect(generate(['nx-multiarch:component', 'base'], root).status).toBe(0);
    const app = generate(['nx-multiarch:component', 'app', '--from=base'], root);
    expect(app.status).toBe(0);
    expect(read('images/app/Dockerfile')).toContain('FROM gen/base:latest-${TARGETARCH}');
    expect(JSON.parse(read('images/app/multiarch.json'))).toEqual({ phase: 'dependent' });

    const dry = generate(['nx-multiarch:component', 'extra', '--dry-run'], root);
    expect(dry.output).toContain('CREATE images/extra/Dockerfile');
    expect(existsSync(join(root, 'images/extra'))).toBe(false);

    const bad = generate(['nx-multiarch:component', 'worker', '--from=nosuch'], root);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain("from: no component named 'nosuch'. Fix: use one of app, base");

    const projects = nx(['show', 'projects'], root);
    expect(projects.output.split('\n').map((l) => l.trim())).toEqual(expect.arrayContaining(['base', 'app']));
  });

  it('the generated components build for arm64 in dependency order', () => {
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=arm64'], root);
    expect(status).toBe(0);
    expect(output.indexOf('> nx run base:build-image')).toBeGreaterThan(-1);
    expect(output.indexOf('> nx run base:build-image')).toBeLessThan(output.indexOf('> nx run app:build-image'));
    expect(imagePlatform('gen/app:latest-arm64')).toBe('linux/arm64');
    // app is FROM base's arm64 image: both release files, written by RUN steps under QEMU.
    expect(
      runImage('gen/app:latest-arm64', 'arm64', ['cat', '/etc/base-release', '/etc/app-release']).output.trim(),
    ).toBe('base for arm64\napp for arm64');
  });
});

describe("a new user's first five minutes on the default driver (docker-container)", () => {
  const root = brandNewWorkspace();
  const prefix = `gencb${Date.now().toString(36)}/`;
  afterAll(() => exec('docker', ['buildx', 'rm', 'e2e-gen'], root));

  it('init, component base, component app --from=base, then run-many -t build-image --platform=arm64', () => {
    expect(generate(['nx-multiarch:init', `--imagePrefix=${prefix}`], root).status).toBe(0);
    const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
    expect(nxJson.plugins[0].options.builder).toEqual({ driver: 'docker-container' });
    // A builder of its own, so the other suites' builders are left alone.
    nxJson.plugins[0].options.builder.name = 'e2e-gen';
    writeFileSync(join(root, 'nx.json'), JSON.stringify(nxJson));
    expect(generate(['nx-multiarch:component', 'base'], root).status).toBe(0);
    expect(generate(['nx-multiarch:component', 'app', '--from=base'], root).status).toBe(0);
    const { status, output } = nx(['run-many', '-t', 'build-image', '--platform=arm64'], root);
    expect({ status, tail: output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    // app is FROM base's image of this run, handed over by the builder as a named context, not looked up anywhere.
    expect(output).toContain(`--build-context ${prefix}base:latest-arm64=oci-layout://`);
    expect(
      runImage(`${prefix}app:latest-arm64`, 'arm64', ['cat', '/etc/base-release', '/etc/app-release']).output.trim(),
    ).toBe('base for arm64\napp for arm64');
  });
});
