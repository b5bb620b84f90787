/** One problem in Herald's configuration, located as precisely as an operator needs to fix it. */
export interface ConfigError {
  kind: string;
  namespace: string;
  name: string;
  /** JSON-path-like: `spec.addresses[2]`, `spec.nodeSelectors[0].matchLabels[rack]`; '' for the whole list. */
  field: string;
  message: string;
  /**
   * Set when the object names another object that does not exist (yet). Such an error clears once
   * the other object is created, so an admission webhook may let the object in and leave the report
   * to the runtime, as MetalLB does, and the order of `kubectl apply` then does not matter.
   */
  missingReference?: true;
}

/** "IPAddressPool herald-system/blue: spec.addresses[2]: range start 10.0.0.9 is after its end 10.0.0.1" */
export function formatConfigError(e: ConfigError): string {
  const object = e.name === '' ? `${e.kind} (unnamed${e.namespace === '' ? '' : ` in ${e.namespace}`})` : `${e.kind} ${e.namespace}/${e.name}`;
  return e.field === '' ? `${object}: ${e.message}` : `${object}: ${e.field}: ${e.message}`;
}

/** Collects the errors of one object; `failed` tells later checks not to build on it. */
export class ObjectReport {
  private count = 0;

  constructor(
    private readonly sink: ConfigError[],
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
  ) {}

  error(field: string, message: string, options: { missingReference?: boolean } = {}): void {
    this.count++;
    const e: ConfigError = { kind: this.kind, namespace: this.namespace, name: this.name, field, message };
    if (options.missingReference === true) e.missingReference = true;
    this.sink.push(e);
  }

  get failed(): boolean {
    return this.count > 0;
  }

  /** How many errors so far; a reader compares it before and after to learn whether its part failed. */
  get errorCount(): number {
    return this.count;
  }

  /** "IPAddressPool herald-system/blue", for messages that point from one object to another. */
  get label(): string {
    return `${this.kind} ${this.namespace}/${this.name}`;
  }
}
