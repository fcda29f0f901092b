import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource } from '../src/auth/tokens.js';
import { ConnectPacer, UserAllocator } from '../src/auth/users.js';
import { detectRoundTrip } from '../src/conformance/capabilities.js';
import { CaseContext } from '../src/conformance/context.js';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { krakenModule } from '../src/dialects/kraken/index.js';
import type { DialectModule } from '../src/dialects/types.js';
import { createLogger } from '../src/log.js';
import { startReferenceTarget, type StartedTarget } from '../src/reference/target.js';
import { RestClient } from '../src/rest/client.js';

/** What runConformance shares between cases, for one started reference target. */
const environment = (module: DialectModule, target: StartedTarget) => {
  const config = target.config;
  const tokens = createTokenSource(config);
  return { config, dialect: module.dialect(config.events), tokens, rest: new RestClient(config, config.timeouts.actionMs), users: new UserAllocator(tokens), pacer: new ConnectPacer(0) };
};

describe('the round trip absence barriers use', () => {
  const targets: StartedTarget[] = [];
  beforeAll(async () => {
    const logger = createLogger('silent');
    targets.push(await startReferenceTarget({ module: chatServiceModule, logger, instances: 1 }), await startReferenceTarget({ module: krakenModule, logger, instances: 1 }));
  });
  afterAll(() => Promise.all(targets.map((t) => t.stop())));

  it('is the ping where the dialect has one (chat-service), a CONNECT to an unknown namespace where it has none (Kraken)', async () => {
    expect(await detectRoundTrip(environment(chatServiceModule, targets[0]))).toBe('ping');
    expect(await detectRoundTrip(environment(krakenModule, targets[1]))).toBe('namespace');
  });

  it('the namespace round trip is answered on the same connection, again and again, which stays connected', async () => {
    // Any Socket.IO server answers it; the chat-service reference takes any minted user, so the probe stays connected
    // (the Kraken reference disconnects a user outside its world right after the connect).
    const ctx = new CaseContext({ ...environment(chatServiceModule, targets[0]), roundTrip: 'namespace' });
    try {
      const [user] = await ctx.users(1);
      const probe = await ctx.connect(user);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await probe.namespaceRoundTrip(5000));
      expect(answers).toEqual([true, true, true]);
      expect(probe.connected).toBe(true);
    } finally {
      await ctx.cleanup();
    }
  });
});
