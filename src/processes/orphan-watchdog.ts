import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { killOnExit } from './child-reaper.js';

/**
 * SIGKILLs child once this process is gone, however it went: for children that cannot notice that
 * themselves (redis-server does not watch its stdin, as the gateways do). The 'exit' hook of
 * child-reaper does not run when this process is SIGKILLed, but a pipe from it still closes: a shell
 * blocks reading one and kills child at end of file. `read` is a shell builtin, so the watchdog is one
 * process; nothing is ever written to the pipe.
 */
export function killWhenOrphaned(child: ChildProcess): void {
  if (child.pid === undefined || !existsSync('/bin/sh')) return;
  const watchdog = spawn('/bin/sh', ['-c', 'read -r _; kill -9 "$0" 2>/dev/null', String(child.pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.on('error', () => undefined);
  watchdog.stdin!.on('error', () => undefined);
  // Once child has exited its pid can be reused: the watchdog must not outlive it.
  child.once('exit', () => watchdog.kill('SIGKILL'));
  killOnExit(watchdog);
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
}
