import { createHash } from 'node:crypto';

// The lab registry's own HTTP API (distribution v2): what a test reads to check a push, not what the plugin says.
export const REGISTRY = process.env.LAB_REGISTRY ?? '127.0.0.1:5000';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

const ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Fetched {
  digest: string;
  mediaType: string;
  body: string;
  manifest: Manifest;
}

const digestOf = (bytes: string | Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** GET /v2/<repo>/manifests/<reference>; undefined on 404. */
export async function getManifest(repository: string, reference: string): Promise<Fetched | undefined> {
  const response = await fetch(`http://${REGISTRY}/v2/${repository}/manifests/${reference}`, {
    headers: { Accept: ACCEPT },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${repository}:${reference}: ${response.status} ${await response.text()}`);
  const body = await response.text();
  return {
    digest: response.headers.get('docker-content-digest') ?? digestOf(body),
    mediaType: response.headers.get('content-type') ?? '',
    body,
    manifest: JSON.parse(body) as Manifest,
  };
}

export async function getBlobJson<T>(repository: string, digest: string): Promise<T> {
  const response = await fetch(`http://${REGISTRY}/v2/${repository}/blobs/${digest}`);
  if (!response.ok) throw new Error(`GET blob ${repository}@${digest}: ${response.status}`);
  return (await response.json()) as T;
}

/** The os/architecture an image manifest's config blob declares. */
export async function configPlatform(repository: string, manifest: Manifest): Promise<string> {
  if (!manifest.config) throw new Error(`${repository}: not an image manifest`);
  const config = await getBlobJson<{ os: string; architecture: string }>(repository, manifest.config.digest);
  return `${config.os}/${config.architecture}`;
}

/** Monolithic blob upload (POST then PUT ?digest=). */
export async function putBlob(repository: string, bytes: string | Buffer): Promise<Descriptor & { bytes: number }> {
  const digest = digestOf(bytes);
  const start = await fetch(`http://${REGISTRY}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`POST upload ${repository}: ${start.status}`);
  const location = new URL(start.headers.get('location') as string, `http://${REGISTRY}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  if (put.status !== 201) throw new Error(`PUT blob ${repository}: ${put.status} ${await put.text()}`);
  const size = Buffer.byteLength(bytes);
  return { mediaType: 'application/octet-stream', digest, size, bytes: size };
}

export async function putManifest(repository: string, reference: string, manifest: Manifest): Promise<Descriptor> {
  const body = JSON.stringify(manifest);
  const mediaType = manifest.mediaType as string;
  const response = await fetch(`http://${REGISTRY}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'Content-Type': mediaType },
    body,
  });
  if (response.status !== 201) throw new Error(`PUT manifest ${repository}:${reference}: ${response.status}`);
  return { mediaType, digest: digestOf(body), size: Buffer.byteLength(body) };
}

export async function deleteManifest(repository: string, reference: string): Promise<void> {
  const found = await getManifest(repository, reference);
  if (!found) return;
  const response = await fetch(`http://${REGISTRY}/v2/${repository}/manifests/${found.digest}`, { method: 'DELETE' });
  if (response.status !== 202) throw new Error(`DELETE ${repository}@${found.digest}: ${response.status}`);
}

/**
 * Re-tags `<repository>:<tag>` (a single-platform image manifest) as buildx on a container builder would push it
 * by default: an OCI index holding the image (OCI media types) and a provenance attestation manifest.
 * The docker driver here cannot produce attestations; the layout follows buildx's attestation-storage docs.
 */
export async function pushAsProvenanceIndex(repository: string, tag: string, arch: string): Promise<Descriptor> {
  const source = await getManifest(repository, tag);
  if (!source?.manifest.config || !source.manifest.layers) throw new Error(`${repository}:${tag}: no image manifest`);
  const image = await putManifest(repository, `${tag}-oci`, {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { ...source.manifest.config, mediaType: MEDIA.ociConfig },
    layers: source.manifest.layers.map((layer) => ({ ...layer, mediaType: MEDIA.ociLayer })),
  });
  const statement = JSON.stringify({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [
      { name: `pkg:docker/${repository}@${tag}?platform=linux%2F${arch}`, digest: { sha256: image.digest.slice(7) } },
    ],
    predicate: { builder: { id: '' }, buildType: 'https://mobyproject.org/buildkit@v1' },
  });
  const layer = await putBlob(repository, statement);
  const config = await putBlob(
    repository,
    '{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[]}}',
  );
  const attestation = await putManifest(repository, `${tag}-att`, {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: config.digest, size: config.size },
    layers: [
      {
        mediaType: MEDIA.inToto,
        digest: layer.digest,
        size: layer.size,
        annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
      },
    ],
  });
  return putManifest(repository, tag, {
    schemaVersion: 2,
    mediaType: MEDIA.ociIndex,
    manifests: [
      { ...image, platform: { os: 'linux', architecture: arch } },
      {
        ...attestation,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.digest': image.digest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
      },
    ],
  });
}
