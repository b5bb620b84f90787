import { type AnnotationName, annotationKeys } from './constants.js';

export interface FoundAnnotation {
  /** The key that supplied the value. */
  key: string;
  value: string;
  /** True when the value came from a `metallb.io/` or `metallb.universe.tf/` key rather than Herald's own. */
  foreign: boolean;
  /** True when the value came from the deprecated `metallb.universe.tf/` prefix (MetalLB warns about it too). */
  deprecated: boolean;
}

/**
 * Reads one Service annotation under any of its accepted prefixes. Herald's key wins over MetalLB's,
 * and MetalLB's current key over its deprecated one.
 */
export function readAnnotation(
  annotations: Readonly<Record<string, string>> | undefined,
  name: AnnotationName,
): FoundAnnotation | undefined {
  if (annotations === undefined) return undefined;
  const keys = annotationKeys(name);
  for (const [index, key] of keys.entries()) {
    if (!Object.hasOwn(annotations, key)) continue;
    const value = annotations[key];
    if (typeof value !== 'string') continue;
    return { key, value, foreign: index > 0, deprecated: index === keys.length - 1 };
  }
  return undefined;
}
