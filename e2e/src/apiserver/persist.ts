/**
 * Optional persistence: the store as one JSON snapshot, rewritten (atomically, by rename) a short
 * while after changes, and read back at start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from './store.js';
import { isObject } from './types.js';

export const SNAPSHOT_FILE = 'objects.json';

export function loadSnapshot(dir: string): Snapshot | undefined {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`lab API server state ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(parsed) || typeof parsed.resourceVersion !== 'string' || !isObject(parsed.objects)) {
    throw new Error(`lab API server state ${path} lacks resourceVersion/objects`);
  }
  return parsed as unknown as Snapshot;
}

/** Debounced writer: many changes in a burst cost one write. */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly take: () => Snapshot,
    private readonly delayMs = 100,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write()).catch(this.onError);
    }, this.delayMs);
  }

  private async write(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, SNAPSHOT_FILE);
    await writeFile(`${path}.tmp`, JSON.stringify(this.take()));
    await rename(`${path}.tmp`, path);
  }

  /** Writes now, synchronously after any write in flight: used when the server closes. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing.catch(() => {});
    const path = join(this.dir, SNAPSHOT_FILE);
    await mkdir(this.dir, { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(this.take()));
    renameSync(`${path}.tmp`, path);
  }
}
