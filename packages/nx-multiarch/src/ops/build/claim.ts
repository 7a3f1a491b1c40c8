import { existsSync, readFileSync } from 'node:fs';
import { parseBuildMetadata } from '../../cli/buildx/build';
import { PluginError } from '../../core/failure/errors';

/** What a build says it wrote, to be checked against what the daemon and the registry hold. */
export interface Claim {
  imageId?: string;
  digest?: string;
}

/** The claim in buildx's metadata file: the image ID it loaded and the digest it pushed. */
export function readClaim(metadataFile: string, push: boolean): Claim {
  if (!existsSync(metadataFile)) {
    throw new PluginError(`${metadataFile}: buildx succeeded but wrote no metadata; nothing proves what was built`);
  }
  const metadata = parseBuildMetadata(readFileSync(metadataFile, 'utf8'), metadataFile);
  // Classic store: the config digest is the image ID (buildx reports it as the digest when nothing was pushed).
  const imageId = metadata.configDigest ?? (push ? undefined : metadata.digest);
  const digest = push ? metadata.digest : undefined;
  return { ...(imageId && { imageId }), ...(digest && { digest }) };
}
