import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { killOnExit } from './child-reaper.js';

/**
 * SIGKILLs child once this process is gone, however it went: for children that cannot notice that
 * themselves (redis-server does not watch its stdin, as the gateways do). The 'exit' hook of
 * child-reaper does not run when this process is SIGKILLed, but a pipe from it still closes: a shell
 * blocks reading one and kills child at end of file. `read` is a shell builtin, so the watchdog is one
 * process; nothing is ever written to the pipe. `removeDir`: a temp directory of this process's the
 * watchdog removes too (a SIGKILLed process cannot clean up after itself).
 */
export function killWhenOrphaned(child: ChildProcess, removeDir?: string): void {
  if (child.pid === undefined || !existsSync('/bin/sh')) return;
  const script = removeDir ? 'read -r _; kill -9 "$0" 2>/dev/null; sleep 1; rm -rf -- "$1"' : 'read -r _; kill -9 "$0" 2>/dev/null';
  const watchdog = spawn('/bin/sh', ['-c', script, String(child.pid), ...(removeDir ? [removeDir] : [])], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.on('error', () => undefined);
  watchdog.stdin!.on('error', () => undefined);
  // Once child has exited its pid can be reused: the watchdog must not outlive it.
  child.once('exit', () => watchdog.kill('SIGKILL'));
  killOnExit(watchdog);
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
}
