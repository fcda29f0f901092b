import { CHAT_MUTANTS } from './mutants.js';
import { parseTargetConfig } from '../../config/load.js';
import type { TargetConfigInput } from '../../config/schema.js';
import { chatServiceCases } from '../../conformance/cases/chat-service/index.js';
import { chatServiceDialect } from '../../protocol/chat-service/index.js';
import { chatServiceRobustnessCases } from '../../conformance/cases/robustness/index.js';
import type { DialectModule } from '../types.js';

const RATE_LIMIT = { max: 10, windowMs: 1000 };

export const chatServiceModule: DialectModule = {
  name: 'chat-service',
  dialect: chatServiceDialect,
  cases: chatServiceCases,
  robustness: chatServiceRobustnessCases,
  mutants: CHAT_MUTANTS,
  reference: {
    rateLimit: RATE_LIMIT,
    explore: {
      users: ['alice', 'bob'],
      howToTest: (urls, secretEnv) => `${secretEnv}gatecheck conform ${urls.map((u) => `--url ${u}`).join(' ')}`,
    },
    /** docs/reference-gateway.md, as a target config. */
    config(urls, jwtSecret, redisUrl) {
      const raw: TargetConfigInput = {
        dialect: 'chat-service',
        instances: urls.map((url, i) => ({ url, name: `reference-${i + 1}` })),
        auth: { mint: { secret: jwtSecret } },
        rest: {
          createConversation: { method: 'POST', path: '/api/conversations', body: { participantIds: '{{participantIds}}', type: '{{type}}', name: '{{name}}' }, idPath: 'id' },
          addParticipant: { method: 'POST', path: '/api/conversations/{{conversationId}}/participants', body: { userId: '{{userId}}' } },
          removeParticipant: { method: 'DELETE', path: '/api/conversations/{{conversationId}}/participants/{{userId}}' },
          leaveConversation: { method: 'POST', path: '/api/conversations/{{conversationId}}/leave' },
          sendMessage: { method: 'POST', path: '/api/conversations/{{conversationId}}/messages', body: { content: '{{content}}' }, idPath: 'id' },
        },
        capabilities: {
          rateLimit: { event: 'message:send', ...RATE_LIMIT },
          ...(redisUrl ? { redis: { url: redisUrl } } : {}),
        },
      };
      return parseTargetConfig(raw, 'reference target');
    },
  },
};
