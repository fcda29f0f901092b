import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { assertAnswering, assertReachable } from '../src/client/reachability.js';
import { runCli } from './support/cli.js';

const SECRET = { GATECHECK_JWT_SECRET: 'x'.repeat(32) };
const open: Array<HttpServer | TcpServer> = [];

afterEach(async () => {
  for (const server of open.splice(0)) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

/** Listens on the loopback (port 0: any free one); answers the server's URL. */
async function listen(server: HttpServer | TcpServer, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  open.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const httpServer = (handler: RequestListener) => listen(createHttpServer(handler));

/** A Socket.IO 4 server that says `connected` as the chat-service protocol does, on the first free of the ports. */
async function socketIoServer(ports: number[], opts: { transports?: Array<'websocket' | 'polling'> } = {}): Promise<string | undefined> {
  for (const port of ports) {
    const http = createHttpServer();
    const io = new SocketIoServer(http, opts);
    io.on('connection', (socket) => socket.emit('connected', { userId: 'u', socketId: socket.id, rooms: [] }));
    try {
      return await listen(http, port);
    } catch (err) {
      io.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return undefined;
}

async function conformAgainst(url: string) {
  const r = await runCli(['conform', '--url', url], { env: SECRET, timeoutMs: 15_000 });
  expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  return r;
}

describe('target reachability', () => {
  it('a Socket.IO server on a port browsers block (6000, 6666) is reachable', async (ctx) => {
    const url = await socketIoServer([6000, 6666]);
    if (!url) return ctx.skip('ports 6000 and 6666 are both taken on this machine');
    await expect(assertReachable(url, '/socket.io')).resolves.toBeUndefined();
    const r = await runCli(['conform', '--url', url, '--filter', 'seed.01-connect-valid-token'], { env: SECRET, timeoutMs: 30_000 });
    expect(r.stdout + r.stderr).not.toMatch(/unreachable|bad port/);
    expect(r.stdout).toContain('seed.01-connect-valid-token');
  });

  it('a websocket-only Socket.IO server is reachable though it refuses polling', async () => {
    const url = (await socketIoServer([0], { transports: ['websocket'] }))!;
    await expect(assertReachable(url, '/socket.io')).resolves.toBeUndefined();
    await expect(assertReachable(url.replace('http', 'ws'), '/socket.io/')).resolves.toBeUndefined();
  });

  it('a server that refuses the handshake with an Engine.IO error (Forbidden) is a Socket.IO server', async () => {
    const url = await httpServer((_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"code":4,"message":"Forbidden"}'));
    await expect(assertReachable(url, '/socket.io')).resolves.toBeUndefined();
  });

  it('an HTTP 404 at the Socket.IO path: exit 2 within 5 s, saying what answered and hinting at socketPath', async () => {
    const url = await httpServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html>\n<html><body>Cannot GET /socket.io/</body></html>'));
    const r = await conformAgainst(url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `target ${url} is not a Socket.IO server: GET /socket.io/?EIO=4&transport=polling answered HTTP 404 (text/html): "<!DOCTYPE html> <html><body>Cannot GET /socket.io/</body></html>"`,
    );
    expect(r.stderr).toContain('socketPath');
    expect(r.ms).toBeLessThan(5000);
  });

  it('an HTTP 200 that is not an Engine.IO handshake: exit 2 within 5 s, quoting the start of the body', async () => {
    const url = await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from an ordinary web server\n${'x'.repeat(500)}`));
    const r = await conformAgainst(url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`target ${url} is not a Socket.IO server: GET /socket.io/?EIO=4&transport=polling answered HTTP 200 but not an Engine.IO handshake: "hello from an ordinary web server xxx`);
    expect(r.stderr).not.toContain('x'.repeat(100));
    expect(r.ms).toBeLessThan(5000);
  });

  it('a server that answers bytes that are not HTTP: exit 2 within 5 s', async () => {
    const url = await listen(createTcpServer((socket) => socket.resume().end('hello\r\n\r\n')));
    const r = await conformAgainst(url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`target ${url} is not an HTTP/Socket.IO server (it answered bytes that are not HTTP)`);
    expect(r.stderr).not.toContain('HPE_');
    expect(r.ms).toBeLessThan(5000);
  });

  it('an Engine.IO v3 (Socket.IO 2) server is named as such', async () => {
    const v3 = await httpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('97:0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":60000}2:40'));
    await expect(assertReachable(v3, '/socket.io')).rejects.toThrow(/speaks Engine\.IO v3 \(Socket\.IO 2\).*Socket\.IO 3 or 4/);
    const refusing = await httpServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":5,"message":"Unsupported protocol version"}'));
    await expect(assertReachable(refusing, '/socket.io')).rejects.toThrow(/Engine\.IO v3 \(Socket\.IO 2\)/);
  });

  it('mid-run, a target that still answers HTTP is not down; a closed port is', async () => {
    const url = await httpServer((_req, res) => res.writeHead(503).end('overloaded'));
    await expect(assertAnswering(url, '/socket.io', 2000)).resolves.toBeUndefined();
    const closed = await listen(createTcpServer());
    const server = open.pop()!;
    await new Promise((r) => server.close(r));
    await expect(assertAnswering(closed, '/socket.io', 2000)).rejects.toThrow(`target ${closed} is unreachable: ECONNREFUSED`);
  });

  it('a valid Engine.IO v4 open packet is accepted, a near miss is not', async () => {
    const body = (text: string) => httpServer((_req, res) => res.writeHead(200).end(text));
    await expect(assertReachable(await body('0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'), '/socket.io')).resolves.toBeUndefined();
    await expect(assertReachable(await body('0{"sid":"a","upgrades":[],"pingInterval":"25000","pingTimeout":20000}'), '/socket.io')).rejects.toThrow(/not an Engine\.IO handshake/);
    await expect(assertReachable(await body(''), '/socket.io')).rejects.toThrow(/not an Engine\.IO handshake: \(an empty body\)/);
  });
});
