// Teardown on SIGINT/SIGTERM and, as a last resort, on exit: live clusters register here.
interface Live {
  stop(): Promise<void>;
  teardownSync(): void;
}

const live = new Set<Live>();
let installed = false;

async function onSignal(sig: NodeJS.Signals): Promise<void> {
  process.stderr.write(`\n${sig}: tearing down ${live.size} cluster(s)\n`);
  await Promise.allSettled([...live].map((c) => c.stop()));
  process.exit(sig === 'SIGINT' ? 130 : 143);
}

function onExit(): void {
  for (const c of live) c.teardownSync();
}

export function registerLive(c: Live): void {
  live.add(c);
  if (!installed) {
    installed = true;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.on('exit', onExit);
  }
}

export function unregisterLive(c: Live): void {
  live.delete(c);
  if (live.size === 0 && installed) {
    installed = false;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', onExit);
  }
}
