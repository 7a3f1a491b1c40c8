/** build-push-action's `provenance` and `sbom`; absent: buildx decides (min provenance on container builders). */
export interface AttestationSettings {
  provenance?: boolean | 'min' | 'max';
  sbom?: boolean;
}

export interface AttestationFlags {
  /** `--provenance` value: `false`, `mode=min` or `mode=max`. */
  provenance?: string;
  /** `--sbom` value: `true` or `false`. */
  sbom?: string;
  /** Said once per task: what the driver cannot do. */
  note?: string;
}

const provenanceValue = (provenance: boolean | 'min' | 'max') =>
  provenance === false ? 'false' : `mode=${provenance === true ? 'min' : provenance}`;

const enabled = (provenance: string | undefined, sbom: string | undefined) => [
  ...(provenance && provenance !== 'false' ? [`provenance (${provenance})`] : []),
  ...(sbom === 'true' ? ['sbom'] : []),
];

/**
 * The attestation flags of a build on `driver`. The docker driver cannot export attestations ("Attestation is not
 * supported for the docker driver"), and a container builder cannot load an image with them into Docker's classic
 * store ("docker exporter does not currently support exporting manifest lists"): they are dropped, and said so,
 * rather than failing every build.
 */
export function attestationFlags(
  settings: AttestationSettings,
  driver: 'docker' | 'docker-container' | 'remote',
  load: boolean,
): AttestationFlags {
  const provenance = settings.provenance === undefined ? undefined : provenanceValue(settings.provenance);
  const sbom = settings.sbom === undefined ? undefined : String(settings.sbom);
  const dropped = enabled(provenance, sbom);
  if (driver !== 'docker' && (!load || dropped.length === 0)) {
    return { ...(provenance && { provenance }), ...(sbom && { sbom }) };
  }
  if (dropped.length === 0) return {};
  const why =
    driver === 'docker'
      ? 'the docker driver cannot attach attestations'
      : "an image loaded into the daemon cannot carry attestations (Docker's classic image store)";
  const fix =
    driver === 'docker'
      ? 'a docker-container builder (builder-setup driver) pushes them with the image'
      : 'push without loading (load: false on push-image) to push them with the image';
  // buildx's own default (min provenance, on pushes only) still applies where the driver has one.
  return { note: `${why}: building without ${dropped.join(' and ')} (buildx's default instead); ${fix}` };
}
