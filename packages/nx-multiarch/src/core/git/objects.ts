import { join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';
import type { GitFiles } from './files';

// A commit's header (tree, parents, author, committer) fits well within this; the message may be cut off.
const COMMIT_HEAD_BYTES = 16 * 1024;
const OBJ_COMMIT = 1;

// Tolerates a cut-off stream: only the first lines of a commit are read.
const inflateHead = (bytes: Buffer) => inflateSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });

/** The committer time of a commit object's text (`committer Name <mail> 1700000000 +0100`), as RFC 3339 UTC. */
export function committerTime(text: string): string | undefined {
  const match = /^committer .* (\d+) [+-]\d{4}$/m.exec(text.split('\n\n')[0]);
  return match ? new Date(Number(match[1]) * 1000).toISOString().replace('.000Z', 'Z') : undefined;
}

function looseCommit(objects: string, id: string, files: GitFiles): string | undefined {
  const bytes = files.read(join(objects, id.slice(0, 2), id.slice(2)));
  if (!bytes) return undefined;
  const text = inflateHead(bytes).toString('utf8');
  return text.startsWith('commit ') ? text.slice(text.indexOf('\0') + 1) : undefined;
}

/** Where `id` starts in the pack of a version 2 `.idx`, by reading only the parts of the index it needs. */
function packOffset(idx: string, id: string, files: GitFiles): number | undefined {
  const head = files.read(idx, { offset: 0, length: 8 + 256 * 4 });
  if (!head || head.length < 1032 || head.readUInt32BE(0) !== 0xff744f63 || head.readUInt32BE(4) !== 2) {
    return undefined;
  }
  const hashBytes = id.length / 2;
  const first = parseInt(id.slice(0, 2), 16);
  const low = first === 0 ? 0 : head.readUInt32BE(8 + (first - 1) * 4);
  const high = head.readUInt32BE(8 + first * 4);
  const count = head.readUInt32BE(8 + 255 * 4);
  const names = files.read(idx, { offset: 1032 + low * hashBytes, length: (high - low) * hashBytes });
  if (!names) return undefined;
  const wanted = Buffer.from(id, 'hex');
  for (let i = 0; i < high - low; i++) {
    if (!names.subarray(i * hashBytes, (i + 1) * hashBytes).equals(wanted)) continue;
    const offsets = 1032 + count * hashBytes + count * 4;
    const offset = files.read(idx, { offset: offsets + (low + i) * 4, length: 4 })?.readUInt32BE(0);
    if (offset === undefined || offset < 0x80000000) return offset;
    const large = files.read(idx, { offset: offsets + count * 4 + (offset & 0x7fffffff) * 8, length: 8 });
    return large ? Number(large.readBigUInt64BE(0)) : undefined;
  }
  return undefined;
}

/** A packed commit stored whole; a deltified one (rare for commits) is left unread. */
function packedCommit(objects: string, id: string, files: GitFiles): string | undefined {
  const dir = join(objects, 'pack');
  for (const name of files.list(dir).filter((n) => n.endsWith('.idx'))) {
    const offset = packOffset(join(dir, name), id, files);
    if (offset === undefined) continue;
    const bytes = files.read(join(dir, name.replace(/\.idx$/, '.pack')), { offset, length: COMMIT_HEAD_BYTES });
    if (!bytes || ((bytes[0] >> 4) & 7) !== OBJ_COMMIT) return undefined;
    let header = 1;
    while (bytes[header - 1] & 0x80) header++;
    return inflateHead(bytes.subarray(header)).toString('utf8');
  }
  return undefined;
}

/** The committer time of commit `id`, loose or packed; undefined when it cannot be read without git itself. */
export function commitTime(objects: string, id: string, files: GitFiles): string | undefined {
  try {
    const text = looseCommit(objects, id, files) ?? packedCommit(objects, id, files);
    return text ? committerTime(text) : undefined;
  } catch {
    // A corrupt or unexpected object costs only the label, never the build.
    return undefined;
  }
}
