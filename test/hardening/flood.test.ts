import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFloodServer } from '../../fixtures/hostile/flood.js';
import { CLI } from '../support/cli.js';

const tmp = await mkdtemp(join(tmpdir(), 'gatecheck-flood-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Resident memory of a live process in MB (0 once it is gone). */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

describe('a server that floods every socket', () => {
  it('leaves the harness bounded: memory, report size, console lines; the verdict still names the violation', async () => {
    const flood = await startFloodServer({ perTick: 100, payloadChars: 2000 });
    const dir = join(tmp, 'reports');
    let peak = 0;
    try {
      const config = join(tmp, 'flood.yml');
      await writeFile(
        config,
        [
          `instances:\n  - url: ${flood.url}`,
          'auth:\n  mint:\n    secret: { env: FLOOD_SECRET }',
          'rest:\n  createConversation: { method: POST, path: /conversations, body: { participantIds: "{{participantIds}}" }, idPath: id }',
          'timeouts: { actionMs: 3000, caseMs: 8000 }',
        ].join('\n') + '\n',
      );
      const child = spawn(process.execPath, [CLI, 'conform', '--target', config, '--report-dir', dir, '--verbose', '--filter', 'seed'], {
        env: { ...process.env, NO_COLOR: '1', FLOOD_SECRET: 'f'.repeat(32) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stdout += d));
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 100);
      const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      const code = await new Promise<number | null>((r) => child.on('close', r));
      clearInterval(sampler);
      clearTimeout(killer);

      const reportBytes = (await stat(join(dir, 'report.json'))).size;
      const longestLine = Math.max(...stdout.split('\n').map((l) => l.length));
      console.log(`flood: ${flood.sent()} events sent; harness peak RSS ${peak.toFixed(0)} MB, report.json ${reportBytes} bytes, longest console line ${longestLine}`);
      expect(code, stdout.slice(-2000)).toBe(1);
      expect(flood.sent()).toBeGreaterThan(20_000); // it was a flood
      expect(peak).toBeLessThan(300);
      expect(reportBytes).toBeLessThan(10 * 1024 * 1024);
      expect(longestLine).toBeLessThanOrEqual(2100);

      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      // The verdict is the flood's: the first violations are listed, the rest counted, the timeline says what it left out.
      const flooded = report.cases.filter((c: { reason: string }) => /contract violation: .* message:new .*\(\d+ violations in all\)/.test(c.reason));
      expect(flooded.length).toBeGreaterThan(0);
      for (const c of flooded) {
        expect(c.status).toBe('failed');
        expect(c.evidence.violations.length).toBe(20);
        expect(c.evidence.cuts.violations).toBeGreaterThan(0);
        expect(c.evidence.timeline.some((e: { event: string }) => /more ".* <- message:new" not recorded/.test(e.event))).toBe(true);
      }
    } finally {
      await flood.close();
    }
  }, 120_000);
});
