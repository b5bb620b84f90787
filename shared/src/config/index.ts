export { buildConfig, type BuildResult } from './build.js';
export { type ConfigError, formatConfigError } from './errors.js';
export { type CommunityValue, parseCommunity, compareCommunities } from './community.js';
export { parseDuration, parseWholeSeconds, DURATION_PATTERN } from './duration.js';
export * from './types.js';
