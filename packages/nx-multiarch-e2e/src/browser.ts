// Renders local HTML files (the run report) in headless chromium, for the e2e suite to look at.
// Chromium gets no network: every host name resolves to nothing, so a page only renders what it carries.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Viewport {
  width: number;
  height: number;
}

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const TIMEOUT_MS = 60_000;
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--hide-scrollbars',
  '--disable-background-networking',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  // One screenshot pixel per CSS pixel and untouched sRGB colours, whatever the host's display settings.
  '--force-device-scale-factor=1',
  '--force-color-profile=srgb',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--mute-audio',
];

let found: string | undefined;

/** The chromium binary on PATH: `chromium` (Debian), else `chromium-browser` or `google-chrome`. */
export function findChromium(): string {
  if (found) return found;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of CANDIDATES) {
    for (const dir of dirs) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        if (statSync(file).isFile()) return (found = file);
      } catch {
        // not here
      }
    }
  }
  throw new Error(
    `No chromium found on PATH (looked for ${CANDIDATES.join(', ')}); install it: apt-get install chromium`,
  );
}

/** Renders `htmlFile` in a `width` x `height` window and writes what is visible to `pngFile`. */
export async function screenshot(htmlFile: string, pngFile: string, { width, height }: Viewport): Promise<void> {
  const png = resolve(pngFile);
  rmSync(png, { force: true }); // a stale screenshot must not pass for a new one
  const { stderr } = await runChromium(htmlFile, [`--screenshot=${png}`, `--window-size=${width},${height}`]);
  if (!existsSync(png) || statSync(png).size === 0) {
    throw new Error(`chromium exited 0 but wrote no screenshot to ${png}${stderrTail(stderr)}`);
  }
}

/** The DOM of `htmlFile` after it loaded and its scripts ran, serialized as HTML. */
export async function dumpDom(htmlFile: string): Promise<string> {
  const { stdout } = await runChromium(htmlFile, ['--dump-dom']);
  return stdout;
}

async function runChromium(htmlFile: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const page = resolve(htmlFile);
  if (!existsSync(page)) throw new Error(`No such HTML file: ${page}`);
  const binary = findChromium();
  const profile = mkdtempSync(join(tmpdir(), 'nx-multiarch-chromium-'));
  try {
    return await new Promise((resolvePromise, reject) => {
      // Own process group, so a timeout kills chromium's renderer and utility processes too.
      const child = spawn(binary, [...FLAGS, `--user-data-dir=${profile}`, ...args, pathToFileURL(page).href], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`Could not start ${binary}: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const out = Buffer.concat(stdout).toString('utf8');
        const err = Buffer.concat(stderr).toString('utf8');
        if (timedOut) {
          reject(
            new Error(
              `chromium did not finish rendering ${page} within ${TIMEOUT_MS / 1000} s; killed${stderrTail(err)}`,
            ),
          );
        } else if (code !== 0) {
          reject(new Error(`chromium failed on ${page}: exit code ${code ?? `none (${signal})`}${stderrTail(err)}`));
        } else {
          resolvePromise({ stdout: out, stderr: err });
        }
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// Chromium logs a dozen harmless D-Bus errors in a container and Debian's launcher script a shell warning;
// the lines that say what went wrong are the others.
function stderrTail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line && !/:ERROR:dbus\/|unexpected operator/.test(line));
  return lines.length ? `\n--- chromium stderr (last lines) ---\n${lines.slice(-20).join('\n')}` : '';
}
