import { readdirSync, readFileSync } from 'node:fs';

/** State and parent of pid from /proc (Linux), undefined once it is gone. */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** Every process below pid: its children, their children, and so on. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number | undefined>();
  for (const name of readdirSync('/proc')) if (/^\d+$/.test(name)) parentOf.set(Number(name), stat(Number(name))?.ppid);
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const parent = queue.shift();
    for (const [child, ppid] of parentOf) if (ppid === parent) found.push(child), queue.push(child);
  }
  return found;
}

/** A zombie counts as gone: an orphan's zombie waits for a PID 1 that may never reap it. */
export function isAlive(pid: number): boolean {
  const state = stat(pid)?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** "pid: command line", for failure messages. */
export function describeProcess(pid: number): string {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
  } catch {
    return `${pid}: (gone)`;
  }
}

/**
 * The pids still alive after at most timeoutMs (none when all went away in time). Polls: a process
 * that is not our child offers no exit event to wait for.
 */
export async function stillAliveAfter(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILLs whichever of pids still runs: a failed test must not leave them behind. */
export function killSurvivors(pids: number[]): void {
  for (const pid of pids.filter(isAlive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}
