import type { Socket } from 'socket.io-client';

/**
 * Whether the server answers a CONNECT to this namespace (its CONNECT_ERROR, or CONNECT where any
 * namespace is accepted) within timeoutMs; the socket is closed either way. `errorIsAnswer` says
 * whether a connect_error came from the server (one raised before the transport opened did not).
 */
export function namespaceAnswered(nsp: Socket, timeoutMs: number, errorIsAnswer: () => boolean = () => true): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (answered: boolean) => {
      clearTimeout(timer);
      nsp.removeAllListeners();
      nsp.disconnect();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    nsp.once('connect', () => done(true));
    nsp.once('connect_error', () => done(errorIsAnswer()));
    if (!nsp.active) nsp.connect();
  });
}
