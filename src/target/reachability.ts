import { TargetError } from '../errors.js';

/**
 * Asks the Engine.IO endpoint for a handshake. Any HTTP answer means a server is there; only a refused
 * connection, a DNS failure or silence within the deadline means unreachable.
 */
export async function assertReachable(url: string, path: string, timeoutMs = 3500): Promise<void> {
  const httpUrl = url.replace(/^ws/, 'http').replace(/\/$/, '');
  const probeUrl = `${httpUrl}${path.replace(/\/$/, '')}/?EIO=4&transport=polling`;
  try {
    const res = await fetch(probeUrl, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
  } catch (err) {
    const cause = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeFetchError(err);
    throw new TargetError(`target ${url} is unreachable: ${cause}`);
  }
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'UND_ERR_SOCKET') return 'the server closed the connection (UND_ERR_SOCKET)';
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
