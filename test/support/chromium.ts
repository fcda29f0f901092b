import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

// Debian's headless Chromium for the report pages. A machine without it skips the browser tests (the
// pages' content is checked without a browser too); .ci/run installs it and sets GATECHECK_REQUIRE_CHROMIUM.
export const CHROMIUM = process.env.GATECHECK_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_TIMEOUT_MS = 60_000;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const hasChromium = isExecutable(CHROMIUM);
// CI installs chromium and sets this: there a missing browser is a failure, not a skip.
if (!hasChromium && process.env.GATECHECK_REQUIRE_CHROMIUM) throw new Error(`GATECHECK_REQUIRE_CHROMIUM is set but there is no chromium at ${CHROMIUM}`);
export const SKIP_REASON = `no chromium at ${CHROMIUM}: apt-get install chromium (or point GATECHECK_CHROMIUM at one) to run them`;

export interface ChromiumRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export async function chromium(dir: string, args: string[]): Promise<ChromiumRun> {
  const profile = await mkdtemp(join(dir, 'profile-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--window-size=1280,2400'];
  try {
    return await new Promise<ChromiumRun>((resolve, reject) => {
      // Its own process group, so a hung browser and its helpers die together on timeout.
      const child = spawn(CHROMIUM, [...flags, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, CHROMIUM_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

export const explainChromium = (run: ChromiumRun) => `chromium exited ${run.code}${run.timedOut ? ' after the timeout' : ''}; stderr tail:\n${run.stderr.split('\n').slice(-15).join('\n')}`;
