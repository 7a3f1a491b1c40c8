// Where runs keep their records, locks and builder state, relative to the workspace root.
export const DEFAULT_STATE_DIR = '.nx-multiarch';
