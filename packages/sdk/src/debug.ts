declare const TRACKWAY_DEBUG: boolean | undefined

/**
 * Compile-time flag: debug logging is in the build. The script-tag bundle defines
 * `TRACKWAY_DEBUG` as `false` (terser `global_defs`), which drops every log call and its text
 * (size hack, ~90 B); the debug bundle and the npm build keep them.
 */
export const DEBUG: boolean = typeof TRACKWAY_DEBUG != 'boolean' || TRACKWAY_DEBUG
