// How every lab benchmark ends: code 0 after main() has printed its figures, 1 with the error
// otherwise. Lab processes are unref'd, so a wait on one that holds no handle would let Node end
// the process with code 0 while main() still awaits; that is reported as the failure it is.

export function runBenchmark(name: string, main: () => Promise<void>): void {
  process.once('beforeExit', () => {
    process.stderr.write(`${name}: ended with nothing left to wait on before printing its figures (a wait on a lab process that holds no handle)\n`);
    process.exit(1);
  });
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
