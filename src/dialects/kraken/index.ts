import { KRAKEN_MUTANTS } from './mutants.js';
import { parseTargetConfig } from '../../config/load.js';
import type { TargetConfigInput } from '../../config/schema.js';
import { krakenCases } from '../../conformance/cases/kraken/index.js';
import { krakenDialect } from '../../protocol/kraken/index.js';
import { krakenRobustnessCases } from '../../conformance/cases/robustness/index.js';
import type { DialectModule } from '../types.js';

/** Short TTLs so the expiry cases finish in about a second instead of the documents' 60 s. */
const TTL_MS = 800;

export const krakenModule: DialectModule = {
  name: 'kraken',
  dialect: krakenDialect,
  cases: krakenCases,
  robustness: krakenRobustnessCases,
  mutants: KRAKEN_MUTANTS,
  reference: {
    drifts: ['kraken-v0.1.2'],
    extraArgs: ['--presence-ttl-ms', String(TTL_MS), '--voice-ttl-ms', String(TTL_MS)],
    explore: {
      // The default world every instance loads: docs/kraken-reference-gateway.md.
      users: ['user-owner', 'user-member'],
      howToTest: (urls, secretEnv) =>
        `gatecheck init --dialect kraken kraken.yml, set instances to ${urls.join(', ')}, then ${secretEnv.replace('GATECHECK_JWT_SECRET', 'KRAKEN_JWT_SECRET')}gatecheck conform --target kraken.yml` +
        ' (default world: community-default, channel-general, user-owner, user-member, user-reader, user-outsider; POST /api/test/worlds makes a fresh one)',
    },
    /** docs/kraken-reference-gateway.md, as a target config: a fresh world per case, REST triggers. */
    config(urls, jwtSecret, _redisUrl, extraArgs = krakenModule.reference.extraArgs) {
      const raw: TargetConfigInput = {
        dialect: 'kraken',
        instances: urls.map((url, i) => ({ url, name: `reference-${i + 1}` })),
        auth: { mint: { secret: jwtSecret } },
        kraken: {
          world: { provision: { method: 'POST', path: '/api/test/worlds' } },
          rest: {
            editMessage: { method: 'PATCH', path: '/api/messages/{{messageId}}', body: { spans: '{{spans}}' } },
            deleteMessage: { method: 'DELETE', path: '/api/messages/{{messageId}}' },
            notify: { method: 'POST', path: '/api/test/notifications', body: { userId: '{{userId}}', type: '{{type}}', data: '{{data}}' } },
            removeChannelMember: { method: 'DELETE', path: '/api/channel-membership/channel/{{channelId}}/user/{{userId}}' },
          },
          // What the gateway was started with; without the flags it keeps the documents' 60 s TTLs.
          presenceTtlMs: flagValue(extraArgs, '--presence-ttl-ms'),
          voiceTtlMs: flagValue(extraArgs, '--voice-ttl-ms'),
        },
      };
      return parseTargetConfig(raw, 'reference target');
    },
  },
};

/** The number a flag of the gateway's command line was given, if any. */
function flagValue(args: string[] | undefined, flag: string): number | undefined {
  const i = args?.indexOf(flag) ?? -1;
  return i >= 0 && args ? Number(args[i + 1]) : undefined;
}
