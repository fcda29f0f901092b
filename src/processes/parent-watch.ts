/**
 * Resolves with the old parent's pid once this process has been re-parented (process.ppid changes):
 * its parent died. `npm exec` (npx) passes no SIGTERM on to the command it runs, and a SIGKILLed
 * parent cannot, so a long-running command would otherwise run on unseen. Checks every intervalMs on
 * an unref'd timer; stop() ends the checks.
 */
export function watchParent(intervalMs = 1000): { gone: Promise<number>; stop(): void } {
  const parent = process.ppid;
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<number>((resolve) => {
    timer = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(timer);
      resolve(parent);
    }, intervalMs);
    timer.unref();
  });
  return { gone, stop: () => clearInterval(timer) };
}
