import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTargetConfig } from '../../src/config/load.js';
import { loadProfile } from '../../src/profiles/load.js';
import { mapAt, parsePath } from '../../src/profiles/paths.js';
import { applyRule } from '../../src/profiles/rules.js';
import { runCli } from '../support/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'gatecheck-profiles-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const message = {
  channelId: 'c1',
  spans: [
    { type: 'TEXT', text: 'hi', channelId: null },
    { type: 'MENTION', userId: 'u2', channelId: null },
  ],
  attachments: [{ url: 'f-1', filename: 'a.png' }],
};

describe('profile rules', () => {
  it('rename enum values at a path, and say which', () => {
    const r = applyRule({ values: { path: 'spans[].type', map: { TEXT: 'PLAINTEXT', MENTION: 'USER_MENTION' } } }, message);
    expect((r.value as typeof message).spans.map((s) => s.type)).toEqual(['PLAINTEXT', 'USER_MENTION']);
    expect(r.applied).toEqual(['spans[].type TEXT is PLAINTEXT', 'spans[].type MENTION is USER_MENTION']);
    expect(message.spans[0].type).toBe('TEXT'); // the input is never changed
  });

  it('drop a field in every element, pluck objects to one of their fields', () => {
    const dropped = applyRule({ drop: 'spans[].channelId' }, message);
    expect((dropped.value as typeof message).spans.every((s) => !('channelId' in s))).toBe(true);
    expect(dropped.applied).toEqual(['spans[].channelId is not accepted']);
    const plucked = applyRule({ pluck: { path: 'attachments[]', field: 'url' } }, message);
    expect((plucked.value as { attachments: unknown[] }).attachments).toEqual(['f-1']);
  });

  it('rename a field; set and copy only when their condition holds', () => {
    expect(applyRule({ rename: { from: 'channelId', to: 'channel' } }, message).value).toMatchObject({ channel: 'c1' });
    const nest = { status: 'error', message: 'Forbidden resource', cause: { pattern: 'sendMessage' } };
    const set = applyRule({ set: { path: 'code', value: 'PERMISSION_DENIED' }, when: { path: 'message', matches: '^Forbidden' } }, nest);
    expect(set.value).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(applyRule({ set: { path: 'code', value: 'X' }, when: { path: 'message', matches: '^Nope' } }, nest).applied).toEqual([]);
    expect(applyRule({ copy: { from: 'cause.pattern', to: 'event' } }, nest).value).toMatchObject({ event: 'sendMessage' });
    expect(applyRule({ copy: { from: 'cause.missing', to: 'event' } }, nest).applied).toEqual([]);
  });

  it('a rule that finds nothing to change reports nothing (it was not needed)', () => {
    expect(applyRule({ values: { path: 'spans[].type', map: { CODE: 'X' } } }, message).applied).toEqual([]);
    expect(mapAt({ a: 1 }, parsePath('b[].c'), () => 2)).toEqual({ value: { a: 1 }, changed: 0 });
    expect(() => parsePath('a..b')).toThrow(/not a payload path/);
  });
});

describe('loading profiles', () => {
  it('loads the shipped Kraken profile by name, with its module', async () => {
    const p = await loadProfile('kraken-v0.1.2', 'kraken');
    expect(p.data.events).toEqual({ joinAll: 'subscribeAll', error: 'exception' });
    const inbound = p.inbound('error', [{ property: 'spans', constraints: { isArray: 'spans must be an array' } }]);
    expect(inbound.payload).toEqual({ code: 'VALIDATION_ERROR', message: 'Validation failed', details: [{ field: 'spans', error: 'spans must be an array' }] });
    expect(inbound.hits.map((h) => h.difference)).toEqual([expect.stringContaining('class-validator error array')]);
  });

  it('refuses an unknown name, a wrong dialect and a broken file, naming what is wrong', async () => {
    await expect(loadProfile('kraken-v9', 'kraken')).rejects.toThrow(/no profile named "kraken-v9" \(shipped: kraken-v0\.1\.2\)/);
    await expect(loadProfile('kraken-v0.1.2', 'chat-service')).rejects.toThrow(/is for the kraken dialect; the target speaks chat-service/);
    const file = join(dir, 'bad.yml');
    await writeFile(file, 'name: bad\ndialect: kraken\noutbound:\n  sendMessage:\n    - { explode: true }\n');
    await expect(loadProfile(file, 'kraken')).rejects.toThrow(/profile .*bad\.yml is not a valid profile:\n {2}at outbound\.sendMessage\[0\]/);
  });

  it('an inline profile in the target config works like a file', async () => {
    const p = await loadProfile({ name: 'inline', dialect: 'chat-service', outbound: { 'message:send': [{ rename: { from: 'content', to: 'text' } }] } }, 'chat-service');
    expect(p.outbound('message:send', { content: 'x' }).payload).toEqual({ text: 'x' });
  });
});

describe('events mapping', () => {
  it('refuses two documented events on one wire name, saying which and why', () => {
    const raw = {
      dialect: 'kraken',
      instances: [{ url: 'http://127.0.0.1:1' }],
      auth: { mint: { secret: 's' } },
      kraken: { world: { provision: { method: 'POST', path: '/w' } } },
      events: { newMention: 'newNotification', notification: 'newNotification' },
    };
    expect(() => parseTargetConfig(raw, 'k.yml')).toThrow(/k\.yml is not a valid target config:\n {2}at events: "newMention" and "notification" would share the wire name "newNotification"/);
    // One of them alone is fine.
    expect(parseTargetConfig({ ...raw, events: { newMention: 'newNotification' } }, 'k.yml').events).toEqual({ newMention: 'newNotification' });
  });

  it('a renamed event may not take the name of another documented event', () => {
    const raw = { instances: [{ url: 'http://127.0.0.1:1' }], auth: { mint: { secret: 's' } }, events: { 'message:send': 'message:edit' } };
    expect(() => parseTargetConfig(raw, 'c.yml')).toThrow(/"message:send" and "message:edit" would share the wire name "message:edit"/);
  });
});

describe('the CLI flags', () => {
  it('--drift and --profile name what exists when given something else (exit 2)', async () => {
    const drift = await runCli(['conform', '--dialect', 'kraken', '--drift', 'kraken-v9']);
    expect(drift.code).toBe(2);
    expect(drift.stderr).toMatch(/--drift kraken-v9: the kraken reference gateway knows kraken-v0\.1\.2/);
    const chat = await runCli(['conform', '--drift', 'kraken-v0.1.2']);
    expect(chat.code).toBe(2);
    expect(chat.stderr).toMatch(/the chat-service reference gateway has no drifts/);
    const profile = await runCli(['conform', '--dialect', 'kraken', '--instances', '1', '--profile', 'nope'], { env: { GATECHECK_NO_REDIS: '1' } });
    expect(profile.code).toBe(2);
    expect(profile.stderr).toMatch(/no profile named "nope"/);
  });
});
