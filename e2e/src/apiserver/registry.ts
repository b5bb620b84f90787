/** The set of served kinds: built-ins plus those CustomResourceDefinitions register. */
import { CRD_KIND, kindFromCrd } from './crd.js';
import { type FieldError, fieldInvalid } from './errors.js';
import type { KindSpec } from './kind.js';
import { asObject, asString, type KubeObject } from './types.js';

export interface GroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export class Registry {
  private kinds: KindSpec[];
  /** Bumped on every change, so discovery and OpenAPI documents can carry a fresh hash. */
  generation = 0;

  constructor(builtins: KindSpec[]) {
    this.kinds = [...builtins];
  }

  all(): KindSpec[] {
    return [...this.kinds];
  }

  find(group: string, version: string, plural: string): KindSpec | undefined {
    return this.kinds.find((k) => k.group === group && k.plural === plural && k.versions.includes(version));
  }

  /** The kind that owns a storage key (the first registered, for keys two kinds share). */
  byStorageKey(key: string): KindSpec | undefined {
    return this.kinds.find((k) => k.storageKey === key);
  }

  /** Served groups other than the core group, built-in groups first, versions preferred first. */
  groups(): GroupInfo[] {
    const out: GroupInfo[] = [];
    for (const k of this.kinds) {
      if (k.group === '') continue;
      let g = out.find((x) => x.name === k.group);
      if (!g) {
        g = { name: k.group, versions: [] };
        out.push(g);
      }
      for (const v of k.versions) if (!g.versions.includes(v)) g.versions.push(v);
    }
    return out;
  }

  kindsIn(group: string, version: string): KindSpec[] {
    return this.kinds.filter((k) => k.group === group && k.versions.includes(version));
  }

  /** Names a CRD would take that another kind already holds. */
  crdConflicts(crd: KubeObject): FieldError[] {
    const spec = asObject(crd.spec);
    const group = asString(spec.group) ?? '';
    const plural = asString(asObject(spec.names).plural) ?? '';
    const holder = this.kinds.find((k) => k.group === group && k.plural === plural && k.crdName !== crd.metadata.name);
    return holder ? [fieldInvalid('spec.names.plural', plural, `${plural}.${group} is already served by ${holder.kind}`)] : [];
  }

  /** Serves (or re-serves, after an update) the kind a CRD defines. */
  registerCrd(crd: KubeObject): KindSpec {
    const kind = kindFromCrd(crd);
    const at = this.kinds.findIndex((k) => k.crdName === kind.crdName);
    if (at >= 0) this.kinds[at] = kind;
    else this.kinds.push(kind);
    this.generation++;
    return kind;
  }

  unregisterCrd(name: string): KindSpec | undefined {
    const kind = this.kinds.find((k) => k.crdName === name);
    if (kind) {
      this.kinds = this.kinds.filter((k) => k !== kind);
      this.generation++;
    }
    return kind;
  }

  isCrdKind(kind: KindSpec): boolean {
    return kind === CRD_KIND;
  }
}
