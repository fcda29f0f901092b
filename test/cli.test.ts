import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server as SocketIoServer } from 'socket.io';
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

/** Runs the CLI with a reader that takes `bytes` of stdout (0: none) and goes away, like `| head -c N`. */
async function runWithShortReader(args: string[], bytes: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  let read = 0;
  child.stderr.on('data', (d) => (stderr += d));
  if (bytes === 0) child.stdout.destroy();
  else {
    child.stdout.on('data', (d: Buffer) => {
      read += d.length;
      if (read >= bytes) child.stdout.destroy();
    });
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(timer);
  return { code, stderr };
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
    const one = await runCli(['conform', '--url', 'http://127.0.0.1:1', '--mutant', 'auth-no-disconnect']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('--mutant applies only to the bundled reference gateway');
    const two = await runCli(['conform', '--url', 'http://127.0.0.1:1', '--mutant', 'x', '--instances', '2']);
    expect(two.stderr).toContain('--instances, --mutant apply only to the bundled reference gateway');
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

  it('a URL without its protocol, or with one it does not accept, says what to write', async () => {
    const file = join(tmp, 'no-protocol.yml');
    await writeFile(file, 'instances:\n  - url: 127.0.0.1:4001\n  - url: ftp://example\nauth: { mint: { secret: x } }\n');
    const r = await runCli(['conform', '--target', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at instances[0].url: expected a URL with its protocol, e.g. http://127.0.0.1:4001 (got "127.0.0.1:4001": the protocol is missing)');
    expect(r.stderr).toContain('at instances[1].url: expected a URL with one of the protocols http://, https://, ws://, wss:// (got "ftp://example"');
    const flag = await runCli(['conform', '--url', 'localhost:4001']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('expected a URL with its protocol, e.g. http://localhost:4001 (got "localhost:4001": the protocol is missing)');
  });

  it('invalid YAML shows the line and column, and the source lines with a caret', async () => {
    const file = join(tmp, 'bad-indent.yml');
    await writeFile(file, 'instances:\n  - url: http://127.0.0.1:4001\nauth:\n  mint:\n    secret: x\n   algorithm: HS256\n');
    const r = await runCli(['conform', '--target', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is neither YAML nor JSON: All mapping items must start at the same column at line 6, column 1:\n`);
    expect(r.stderr).toContain('  5 |     secret: x\n  6 |    algorithm: HS256\n    | ^\n');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it('says which environment variable a secret needs', async () => {
    // Answers the Engine.IO handshake, so that the target passes the reachability check.
    const open = '0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000}';
    const server = createServer((s) => s.resume().end(`HTTP/1.1 200 OK\r\ncontent-length: ${open.length}\r\n\r\n${open}`));
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
    const { code, stderr } = await runWithShortReader(['load', '--help'], 0); // the reader is gone before the first write
    expect(stderr).not.toMatch(/EPIPE|at /);
    expect(code).toBe(0);
  });

  it('a reader that goes away does not change the exit code: help without a command stays exit 2', async () => {
    const { code, stderr } = await runWithShortReader([], 0);
    expect(stderr).not.toMatch(/EPIPE|at /);
    expect(code).toBe(2);
  });

  it('a failing run piped into a reader that closes after 200 bytes (| head -c 200) still exits 1', async () => {
    // A Socket.IO server that never says `connected`: every case that connects fails, a line at a time.
    const http = createHttpServer();
    const io = new SocketIoServer(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const file = join(tmp, 'never-connected.yml');
    const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    await writeFile(file, `instances:\n  - url: ${url}\nauth:\n  mint: { secret: "${'x'.repeat(32)}" }\ntimeouts: { connectMs: 500, actionMs: 300, caseMs: 2000 }\n`);
    try {
      const args = ['conform', '--target', file, '--filter', 'seed'];
      const whole = await runCli(args);
      expect(whole.code, whole.stderr).toBe(1);
      expect(whole.stdout.length).toBeGreaterThan(1000);
      const cut = await runWithShortReader(args, 200);
      expect(cut.stderr).not.toMatch(/EPIPE|\n\s+at /);
      expect(cut.code).toBe(whole.code);
    } finally {
      await new Promise((r) => io.close(r));
    }
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
