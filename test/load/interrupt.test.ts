import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { chatServiceModule } from '../../src/dialects/chat-service/index.js';
import { startReferenceGateway } from '../../src/reference/launcher.js';
import { CLI, runCli } from '../support/cli.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Every process below `pid` (children, their children...), from ps. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  for (let frontier = [pid]; frontier.length; ) {
    frontier = rows.filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    out.push(...frontier);
  }
  return out;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(what: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) if (await what()) return true;
  return what();
}

/** Starts a long fan-out run and resolves once Artillery's VUs are connected (the connection phase ended). */
async function runningLoad() {
  const tmp = await mkdtemp(join(tmpdir(), 'gatecheck-interrupt-'));
  dirs.push(tmp);
  const child = spawn(process.execPath, [CLI, 'load', 'fanout', '--connections', '4', '--duration', '60'], { env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  expect(await until(() => /connection phase: 4 of 4 connected/.test(stdout + stderr), 90_000), stdout + stderr).toBe(true);
  const workDirs = async () => (await readdir(tmp)).filter((f) => f.startsWith('gatecheck-load-'));
  expect(await workDirs()).toHaveLength(1);
  return { child, tmp, exited, output: () => stdout + stderr, below: descendants(child.pid!), workDirs };
}

describe('gatecheck load: an interrupted or failed run leaves nothing behind and says why', () => {
  it('SIGINT: Artillery and the gateway stopped, the temp dir removed, exit 130 with a message', async () => {
    const run = await runningLoad();
    expect(run.below.length).toBeGreaterThanOrEqual(3); // Artillery, two gateway instances (and redis-server)
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/interrupted; Artillery stopped/);
    expect(await until(() => run.below.every((p) => !alive(p)), 15_000), `still running: ${run.below.filter(alive)}`).toBe(true);
    expect(await run.workDirs()).toEqual([]);
  }, 150_000);

  it('SIGKILL: the orphan watchdogs end Artillery (its workers are its threads) and remove the temp dir', async () => {
    const run = await runningLoad();
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await until(() => run.below.every((p) => !alive(p)), 15_000), `still running: ${run.below.filter(alive)}`).toBe(true);
    expect(await until(async () => (await run.workDirs()).length === 0, 10_000)).toBe(true);
  }, 150_000);

  it('a target without rest.createConversation (--url) is exit 2 with a message, before anything starts', async () => {
    const run = await runCli(['load', 'fanout', '--url', 'http://127.0.0.1:9'], { env: { GATECHECK_JWT_SECRET: 'x' }, timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gatecheck: the fanout scenario creates its conversations through the target's REST API, and this target declares no rest.createConversation \(--url gives only socket URLs/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a SetupError in the before hook (REST answering 404) ends with its message, no stack, and exit 1', async () => {
    const gateway = await startReferenceGateway({ instances: 1, jwtSecret: 'setup-error-secret', rateLimit: null });
    try {
      const config = chatServiceModule.reference.config(gateway.urls, 'setup-error-secret');
      const tmp = await mkdtemp(join(tmpdir(), 'gatecheck-setup-error-'));
      dirs.push(tmp);
      const file = join(tmp, 'target.json');
      await writeFile(file, JSON.stringify({ ...config, auth: { mint: { secret: { env: 'SETUP_ERROR_SECRET' } } }, rest: { ...config.rest, createConversation: { ...config.rest!.createConversation!, path: '/api/nowhere' } } }));
      const run = await runCli(['load', 'fanout', '--connections', '4', '--target', file], { env: { SETUP_ERROR_SECRET: 'setup-error-secret' }, timeoutMs: 90_000 });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/gatecheck: the load run failed: Artillery ended \(exit \d+\) without a report:\n  SetupError: REST rest.createConversation \(POST \/api\/nowhere\) answered 404/);
      expect(run.stderr).not.toMatch(/\n\s+at |throw new/);
    } finally {
      await gateway.stop();
    }
  }, 120_000);
});
