import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './support/cli.js';

const tmp = await mkdtemp(join(tmpdir(), 'gatecheck-cli-'));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('gatecheck CLI', () => {
  it('explains every command with --help and exits 0', async () => {
    for (const args of [['--help'], ['conform', '--help'], ['mutants', '--help'], ['serve', '--help'], ['init', '--help'], ['load', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: gatecheck/);
    }
    const conform = await runCli(['conform', '--help']);
    expect(conform.stdout).toContain('--target <file>');
    expect(conform.stdout).toContain('Exit codes');
  });

  it('exits 2 on a usage error and says what is wrong', async () => {
    const r = await runCli(['conform', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--no-such-flag'/);
    const both = await runCli(['conform', '--target', 'x.yml', '--url', 'http://127.0.0.1:1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --target FILE or --url URL/);
    const bad = await runCli(['serve', '--instances', 'zero']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/positive whole number, got "zero"/);
  });

  it('names the path and the expectation of a broken config, exit 2, no stack trace', async () => {
    const file = join(tmp, 'broken.yml');
    await writeFile(file, 'instances:\n  - url: ftp://example\nauth: {}\ntimeouts: { actionMs: fast }\nbogus: 1\n');
    const r = await runCli(['conform', '--target', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at instances[0].url: expected a URL');
    expect(r.stderr).toContain('at timeouts.actionMs: expected number');
    expect(r.stderr).toContain('unknown key(s) "bogus"');
    expect(r.stderr).toContain('give exactly one of auth.mint, auth.command, auth.static');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    const notYaml = join(tmp, 'not-yaml.yml');
    await writeFile(notYaml, 'instances: [\n');
    const r2 = await runCli(['conform', '--target', notYaml]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/is neither YAML nor JSON/);
    const missing = await runCli(['conform', '--target', join(tmp, 'nope.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read target config .*nope\.yml: ENOENT/);
  });

  it('says which environment variable a secret needs', async () => {
    const server = createServer((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await runCli(['conform', '--url', `http://127.0.0.1:${(server.address() as { port: number }).port}`], { env: { GATECHECK_JWT_SECRET: '' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('auth.mint.secret: environment variable GATECHECK_JWT_SECRET is not set');
    } finally {
      server.close();
    }
  });

  it('fails an unreachable target within 5 s, naming the URL, exit 2', async () => {
    const closed = await closedPort();
    const refused = await runCli(['conform', '--url', `http://127.0.0.1:${closed}`], { env: { GATECHECK_JWT_SECRET: 'x'.repeat(32) } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`target http://127.0.0.1:${closed} is unreachable: ECONNREFUSED`);
    expect(refused.ms).toBeLessThan(5000);

    // A port that accepts TCP but never answers: the deadline, not the kernel, has to end it.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await runCli(['conform', '--url', `http://127.0.0.1:${port}`], { env: { GATECHECK_JWT_SECRET: 'x'.repeat(32) } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`target http://127.0.0.1:${port} is unreachable: no answer within`);
      expect(r.ms).toBeLessThan(5500);
    } finally {
      silent.close();
    }
  });

  it('a reader that goes away (| head) ends it quietly: exit 0, no EPIPE stack trace', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'load', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.destroy(); // the reader is gone before the first write
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EPIPE|at /);
    expect(code).toBe(0);
  });

  it('init writes a template that is a valid config, and refuses to overwrite', async () => {
    const file = join(tmp, 'target.yml');
    expect((await runCli(['init', file])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('createConversation');
    const again = await runCli(['init', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists; pass --force');
    const { loadTargetConfig } = await import('../src/config/load.js');
    const config = await loadTargetConfig(file);
    expect(config.rest?.createConversation?.idPath).toBe('id');
    expect(config.capabilities.rateLimit).toEqual({ event: 'message:send', max: 10, windowMs: 1000 });
  });

  it('init --dialect kraken writes a valid Kraken config with a world provisioning call', async () => {
    const file = join(tmp, 'kraken.yml');
    expect((await runCli(['init', '--dialect', 'kraken', file])).code).toBe(0);
    const { loadTargetConfig } = await import('../src/config/load.js');
    const config = await loadTargetConfig(file);
    expect(config.dialect).toBe('kraken');
    expect(config.kraken?.world).toEqual({ provision: { method: 'POST', path: '/api/test/worlds' } });
    expect(config.kraken?.presenceTtlMs).toBe(60000);
  });
});

afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(tmp, { recursive: true, force: true });
});
