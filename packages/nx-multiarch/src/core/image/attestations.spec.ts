import { type AttestationSettings, attestationFlags } from './attestations';

type Driver = 'docker' | 'docker-container' | 'remote';
const DOCKER = 'the docker driver cannot attach attestations: building without';
const DOCKER_FIX = 'a docker-container builder (builder-setup driver) pushes them with the image';
const LOADED =
  "an image loaded into the daemon cannot carry attestations (Docker's classic image store): building without";
const LOADED_FIX = 'push without loading (load: false on push-image) to push them with the image';

describe('attestationFlags', () => {
  // prettier-ignore
  test.each<[AttestationSettings, Driver, boolean, ReturnType<typeof attestationFlags>]>([
    [{}, 'docker-container', false, {}],
    [{}, 'docker-container', true, {}],
    [{}, 'docker', true, {}],
    [{ provenance: true }, 'docker-container', false, { provenance: 'mode=min' }],
    [{ provenance: 'min' }, 'remote', false, { provenance: 'mode=min' }],
    [{ provenance: 'max', sbom: true }, 'docker-container', false, { provenance: 'mode=max', sbom: 'true' }],
    [{ provenance: false, sbom: false }, 'docker-container', false, { provenance: 'false', sbom: 'false' }],
    [{ provenance: false, sbom: false }, 'docker-container', true, { provenance: 'false', sbom: 'false' }],
    [{ provenance: false, sbom: false }, 'docker', false, {}],
    [{ provenance: 'max', sbom: true }, 'docker', false, { note: `${DOCKER} provenance (mode=max) and sbom (buildx's default instead); ${DOCKER_FIX}` }],
    [{ provenance: false, sbom: true }, 'docker', true, { note: `${DOCKER} sbom (buildx's default instead); ${DOCKER_FIX}` }],
    [{ provenance: 'min' }, 'docker-container', true, { note: `${LOADED} provenance (mode=min) (buildx's default instead); ${LOADED_FIX}` }],
    [{ sbom: true }, 'remote', true, { note: `${LOADED} sbom (buildx's default instead); ${LOADED_FIX}` }],
  ])('%j on %s, loaded %s -> %j', (settings, driver, load, flags) => {
    expect(attestationFlags(settings, driver, load)).toEqual(flags);
  });
});
