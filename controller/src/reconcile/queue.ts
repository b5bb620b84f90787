/**
 * The controller's single line of work. Items are strings ("s:ns/name", "n:ns", "c"); an item
 * added while already waiting is not added twice, so a burst of changes to one object costs one
 * pass. Items are processed one at a time, synchronously, in batches on the event loop, so the
 * allocator is never entered twice at once and watches and writes keep flowing between batches.
 */
export class WorkQueue {
  private readonly waiting = new Set<string>();
  private scheduled = false;
  private running = false;

  constructor(
    private readonly process: (item: string) => void,
    private readonly options: { batchSize?: number; afterBatch?: () => void; onError: (item: string, e: unknown) => void },
  ) {}

  add(item: string): void {
    this.waiting.add(item);
    this.schedule();
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  pause(): void {
    this.running = false;
  }

  clear(): void {
    this.waiting.clear();
  }

  get size(): number {
    return this.waiting.size;
  }

  private schedule(): void {
    if (this.scheduled || !this.running || this.waiting.size === 0) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const limit = this.options.batchSize ?? 256;
    let done = 0;
    for (const item of this.waiting) {
      if (!this.running || done >= limit) break;
      this.waiting.delete(item);
      done++;
      try {
        this.process(item);
      } catch (e) {
        this.options.onError(item, e);
      }
    }
    if (done > 0 && this.running) {
      try {
        this.options.afterBatch?.();
      } catch (e) {
        this.options.onError('(after batch)', e);
      }
    }
    this.schedule();
  }
}
