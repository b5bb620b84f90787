export * from './address.js';
export * from './range.js';
export * from './range-set.js';
export { ok, fail } from './result.js';
