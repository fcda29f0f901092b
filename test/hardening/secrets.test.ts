import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTokenEchoServer } from '../../fixtures/hostile/token-echo.js';
import { Redactor, REDACTED } from '../../src/secrets/redactor.js';
import { MALFORMED_TOKEN } from '../../src/auth/tokens.js';
import { runCli } from '../support/cli.js';

const tmp = await mkdtemp(join(tmpdir(), 'gatecheck-secrets-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Every 16-character piece of every token, for a search that also finds cut tokens. */
function fragmentsOf(tokens: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) for (let i = 0; i + 16 <= t.length; i++) out.add(t.slice(i, i + 16));
  return out;
}

function leaks(text: string, fragments: Set<string>): string[] {
  const found = new Set<string>();
  for (let i = 0; i + 16 <= text.length; i++) if (fragments.has(text.slice(i, i + 16))) found.add(text.slice(Math.max(0, i - 20), i + 36));
  for (const m of text.matchAll(/eyJ[A-Za-z0-9_-]{7,}/g)) found.add(m[0]);
  return [...found];
}

describe('no secret leaves gatecheck, even when the server echoes it', () => {
  it('redacts whole tokens, their fragments and anything JWT-shaped before shortening', () => {
    const r = new Redactor();
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl';
    r.add(token, 'short-pw', 'a passphrase with spaces in it');
    expect(r.text(`Bearer ${token}!`)).toBe(`Bearer ${REDACTED}!`);
    expect(r.text(`cut ${token.slice(45, 75)}`)).toBe(`cut ${REDACTED}`);
    expect(r.text(`tail ${token.slice(-20)}`)).toBe(`tail ${REDACTED}`);
    expect(r.text('pw short-pw and a passphrase with spaces in it')).toBe(`pw ${REDACTED} and ${REDACTED}`);
    expect(r.text('someone else: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig')).toBe(`someone else: ${REDACTED}`);
    expect(r.text('an id 64b7f0c2a1e4d5f6a7b8c9d0 stays')).toBe('an id 64b7f0c2a1e4d5f6a7b8c9d0 stays');
    // Shortening comes after redaction: the cut never leaves a usable prefix of the secret.
    const clipped = r.clip(`${'x'.repeat(230)} ${token}`, 240);
    expect(clipped).not.toContain(token.slice(0, 9));
    expect(clipped).toMatch(/… \(\d+ chars\)$/);
  });

  it('console, --json, logs at trace, report.json and junit.xml hold no token of a run against an echoing server', async () => {
    const echo = await startTokenEchoServer();
    const dir = join(tmp, 'reports');
    const config = join(tmp, 'echo.yml');
    await writeFile(
      config,
      [
        `instances:\n  - url: ${echo.url}`,
        'auth:\n  mint:\n    secret: { env: ECHO_SECRET }',
        'rest:\n  createConversation: { method: POST, path: /conversations, body: { participantIds: "{{participantIds}}" }, idPath: id }',
        '  addParticipant: { method: POST, path: "/conversations/{{conversationId}}/participants" }',
        'timeouts: { actionMs: 800, caseMs: 4000 }',
      ].join('\n') + '\n',
    );
    try {
      const run = await runCli(['--log-level', 'trace', 'conform', '--target', config, '--json', '--verbose', '--report-dir', dir], { env: { ECHO_SECRET: 'echo-signing-secret-0123456789' }, timeoutMs: 120_000 });
      expect(run.code, run.stderr.slice(-2000)).toBe(1);
      expect(echo.seen.size).toBeGreaterThan(10); // the server did see (and echo) many tokens
      const tokens = [...echo.seen].filter((t) => t !== MALFORMED_TOKEN); // a deliberate non-token, no secret
      const fragments = fragmentsOf([...tokens, 'echo-signing-secret-0123456789']);
      const outputs: Record<string, string> = { stdout: run.stdout, stderr: run.stderr };
      for (const f of await readdir(dir)) outputs[f] = await readFile(join(dir, f), 'utf8');
      expect(Object.keys(outputs).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'stderr', 'stdout']);
      for (const [name, text] of Object.entries(outputs)) expect(leaks(text, fragments), name).toEqual([]);
      // The echo is there, redacted: the evidence still shows what the server did.
      expect(run.stdout).toContain(`echo Bearer ${REDACTED}`);
      expect(run.stderr).toContain('"msg":"probe event"');
    } finally {
      await echo.close();
    }
  });
});
