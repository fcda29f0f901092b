/**
 * A worker of `npm run bench:source-addresses`: a Socket.IO server (websocket only) on the port every
 * worker of the cluster shares, so the bench's clients all have one destination (127.0.0.1:PORT) while
 * the accepted sockets are spread over several processes, each under its open-files limit. It counts
 * the connections it holds by client address and, when asked, resets them all: an RST leaves no
 * TIME_WAIT on either side, so the next phase finds the ports as the first one did.
 *
 * IPC: sends {kind: 'listening', port}, then {kind: 'count', connected, byAddress} when asked
 * ({kind: 'count'}); {kind: 'reset'} resets every connection and answers a count.
 * Run by bench/source-addresses.ts through node:cluster.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';

export type ServerCommand = { kind: 'count' } | { kind: 'reset' };
export type ServerReport = { kind: 'listening'; port: number } | { kind: 'count'; connected: number; byAddress: Record<string, number> };

const http = createServer();
// No heartbeat during the bench's few minutes: a ping round of tens of thousands of sockets is load the
// bench does not measure.
const io = new Server(http, { transports: ['websocket'], pingInterval: 600_000, pingTimeout: 600_000, perMessageDeflate: false });
const tcp = new Set<NetSocket>();
const byAddress = new Map<string, number>();
let connected = 0;

http.on('connection', (socket: NetSocket) => {
  tcp.add(socket);
  socket.once('close', () => tcp.delete(socket));
});
io.on('connection', (socket) => {
  const address = socket.conn.remoteAddress.replace(/^::ffff:/, '');
  connected++;
  byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
  socket.once('disconnect', () => {
    connected--;
    byAddress.set(address, byAddress.get(address)! - 1);
  });
});

const send = (report: ServerReport) => process.send?.(report);
const count = () => send({ kind: 'count', connected, byAddress: Object.fromEntries([...byAddress].filter(([, n]) => n > 0)) });

process.on('message', (command: ServerCommand) => {
  if (command.kind === 'reset') {
    for (const socket of tcp) socket.resetAndDestroy();
    // The disconnect handlers run on the next turns of the loop.
    setTimeout(count, 200);
  } else count();
});

http.listen(Number(process.env.HOLDING_PORT ?? 0), '127.0.0.1', () => send({ kind: 'listening', port: (http.address() as AddressInfo).port }));
