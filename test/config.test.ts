import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { parseTargetConfig } from '../src/config/load.js';
import { resolveSecretsOf } from '../src/commands/secrets.js';
import { Redactor } from '../src/secrets/redactor.js';
import { fillTemplate } from '../src/rest/template.js';

describe('target config', () => {
  it('the worked example in the README is a valid config', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith('dialect: chat-service'))!;
    const config = parseTargetConfig(parseYaml(block), 'README example');
    expect(config.instances).toHaveLength(2);
    expect(config.auth.command).toContain('{{userId}}');
    expect(config.rest?.createConversation?.idPath).toBe('data._id');
    expect(config.events).toEqual({ 'message:send': 'chat:send' });
    expect(config.capabilities.redis?.keys.connections).toBe('chat:ws:connections:{userId}');
    expect(config.capabilities.redis?.keys.online).toBe('ws:online');
  });

  it('the Kraken example in the README is a valid config: a fixed world, static tokens, renamed events', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith('dialect: kraken'))!;
    const config = parseTargetConfig(parseYaml(block), 'README Kraken example');
    expect(config.kraken?.world).toMatchObject({ fixed: { communityId: 'c-gatecheck', users: { owner: '6650f1c2a1' } } });
    expect(config.auth.static).toHaveLength(4);
    expect(config.events).toEqual({ joinAll: 'subscribeAll', error: 'exception' });
    const { krakenDialect } = await import('../src/protocol/kraken/index.js');
    expect(krakenDialect(config.events).eventName('joinAll')).toBe('subscribeAll');
  });

  it('refuses a createConversation call that does not say where the new id is', () => {
    expect(() =>
      parseTargetConfig({ instances: [{ url: 'http://127.0.0.1:1' }], auth: { mint: { secret: 'x' } }, rest: { createConversation: { method: 'POST', path: '/c' } } }),
    ).toThrow(/at rest\.createConversation\.idPath: expected string/);
  });

  it('refuses an event override for an event the dialect does not have', async () => {
    const { chatServiceDialect } = await import('../src/protocol/chat-service/index.js');
    expect(() => chatServiceDialect({ 'message:shout': 'x' })).toThrow(/"message:shout" is not an event of this dialect/);
    expect(chatServiceDialect({ 'message:send': 'chat:send' }).eventName('message:send')).toBe('chat:send');
  });

  it('fills body templates, keeping a whole-placeholder value raw', () => {
    expect(fillTemplate({ ids: '{{participantIds}}', title: 'chat {{name}}', n: 3 }, { participantIds: ['a', 'b'], name: 'x' })).toEqual({ ids: ['a', 'b'], title: 'chat x', n: 3 });
    expect(() => fillTemplate('{{missing}}', {})).toThrow(/\{\{missing\}\} has no value/);
  });

  it('collects every secret a config resolves and redacts them, tokens included', () => {
    vi.stubEnv('GC_TEST_SECRET', 'super-secret-signing-key');
    const config = parseTargetConfig({
      instances: [{ url: 'http://127.0.0.1:1' }],
      auth: { mint: { secret: { env: 'GC_TEST_SECRET' } } },
      capabilities: { redis: { url: 'redis://:p4ssw0rd-here@127.0.0.1:6379' } },
    });
    const redactor = new Redactor();
    redactor.add(...resolveSecretsOf(config));
    vi.unstubAllEnvs();
    redactor.add('eyJhbGciOi.token-issued-later.sig');
    const text = redactor.json({ a: 'key super-secret-signing-key', b: 'pw p4ssw0rd-here', c: 'Bearer eyJhbGciOi.token-issued-later.sig' });
    expect(text).not.toMatch(/super-secret|p4ssw0rd|token-issued-later/);
    expect(text.match(/\[redacted\]/g)).toHaveLength(3);
  });
});
