/** Hard limits on workflow sources, so a huge or hostile file gives a diagnostic, not a crash. */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** Deepest nesting of lists/objects a document may have (a real workflow is a few levels deep). */
export const MAX_NESTING = 512;
