// Executor, target, tag and input names the plugin infers; executors and generators look projects up by them.
export const BUILD_IMAGE_EXECUTOR = 'nx-multiarch:build-image';
export const BUILDER_SETUP_EXECUTOR = 'nx-multiarch:builder-setup';
export const DIAGNOSE_EXECUTOR = 'nx-multiarch:diagnose';
export const RENDER_EXECUTOR = 'nx-multiarch:render';
export const PREFETCH_EXECUTOR = 'nx-multiarch:prefetch';
export const MANIFEST_EXECUTOR = 'nx-multiarch:manifest';
export const REPORT_EXECUTOR = 'nx-multiarch:report';
// Not `nx report`: that is Nx's own command. This one runs as `nx run <workspace>:report`.
export const REPORT_TARGET = 'report';
export const PREFETCH_TARGET = 'prefetch';
/** build-image with --push, into its own output directory: what manifest publishes from. */
export const PUSH_TARGET = 'push-image';
export const MANIFEST_TARGET = 'manifest';
export const RENDER_TARGET = 'render';
/** Tag of the workspace-level project that holds builder-setup (and later diagnose, report). */
export const WORKSPACE_TAG = 'nx-multiarch:workspace';
/** Tag of every component project. */
export const COMPONENT_TAG = 'nx-multiarch';
/** Project-level named input: what an image is made of (its files, its env-fed build args). */
export const IMAGE_INPUT = 'dockerImage';
