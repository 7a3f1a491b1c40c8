import { z } from 'zod';
import { VerificationError } from '../../core/failure/errors';
import { type Arch, ociPlatform } from '../../core/platform';
import { parseInspectOutput } from './inspect-output';

export function inspectImageArgs(ref: string): string[] {
  return ['image', 'inspect', ref];
}

export function pullImageArgs(ref: string, arch: Arch): string[] {
  return ['pull', '--platform', ociPlatform(arch), ref];
}

export function pushImageArgs(ref: string): string[] {
  return ['push', ref];
}

export function tagImageArgs(source: string, target: string): string[] {
  return ['tag', source, target];
}

const inspectSchema = z
  .array(
    z
      .object({
        Id: z.string(),
        RepoTags: z.array(z.string()).nullable().optional(),
        RepoDigests: z.array(z.string()).nullable().optional(),
        Os: z.string(),
        Architecture: z.string(),
        Variant: z.string().optional(),
      })
      .passthrough(),
  )
  .min(1);

export interface LocalImage {
  id: string;
  os: string;
  architecture: string;
  variant?: string;
  repoTags: string[];
  repoDigests: string[];
}

/** Parses `docker image inspect <ref>` output (a JSON array with one entry per reference). */
export function parseImageInspect(stdout: string): LocalImage {
  const [image] = parseInspectOutput(stdout, inspectSchema, 'docker image inspect');
  return {
    id: image.Id,
    os: image.Os,
    architecture: image.Architecture,
    ...(image.Variant && { variant: image.Variant }),
    repoTags: image.RepoTags ?? [],
    repoDigests: image.RepoDigests ?? [],
  };
}

/** Fails when the image is not for the platform it was built or pulled for. */
export function verifyImagePlatform(image: LocalImage, ref: string, arch: Arch): void {
  if (image.os !== 'linux' || image.architecture !== arch) {
    throw new VerificationError(
      `${ref} is ${image.os}/${image.architecture} but ${ociPlatform(arch)} was requested; ` +
        `check that QEMU is registered for ${arch} (the diagnose target: nx run <workspace>:diagnose) and that the base image has ${arch}`,
    );
  }
}
