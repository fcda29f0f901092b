import { assertReachable } from '../client/reachability.js';
import type { TargetConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { CheckLine } from '../model/doctor.js';

/** Each instance must complete an Engine.IO v4 handshake (not only answer HTTP); answers the indexes of those that did. */
export async function checkReachability(config: TargetConfig): Promise<{ lines: CheckLine[]; reachable: number[] }> {
  const results = await Promise.all(
    config.instances.map(async (instance, index) => {
      try {
        await assertReachable(instance.url, config.socketPath);
        return { index, line: { group: 'reachability', status: 'ok', message: `${instance.url} answers Socket.IO (Engine.IO v4 handshake at ${config.socketPath})` } as CheckLine };
      } catch (err) {
        const line: CheckLine = {
          group: 'reachability',
          status: 'fail',
          message: errorMessage(err),
          fix: `check instances[${index}].url and socketPath ("${config.socketPath}"), and that the gateway runs`,
        };
        return { index, line };
      }
    }),
  );
  return { lines: results.map((r) => r.line), reachable: results.filter((r) => r.line.status === 'ok').map((r) => r.index) };
}
