import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from './support/cli.js';

// actionlint is not installed here: the CI examples are checked for their structure, and every gatecheck
// command they run is checked against the CLI's own --help (subcommand and each flag).
const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

/** Commands built on another branch: until they are merged their lines are only listed, not checked. */
const PENDING_COMMANDS = new Set(['doctor']);

/** Shell words of a command line (quotes removed, backslash-newlines joined). */
function words(line: string): string[] {
  return [...line.replace(/\\\n/g, ' ').matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every `gatecheck ...` invocation in the scripts, as words from the subcommand on. */
function gatecheckInvocations(scripts: string[]): string[][] {
  return scripts
    .flatMap((s) => s.replace(/\\\n/g, ' ').split('\n'))
    .map((line) => words(line))
    .filter((w) => w[0] === 'gatecheck')
    .map((w) => w.slice(1));
}

const helpCache = new Map<string, Promise<string>>();
function helpOf(path: string[]): Promise<string> {
  const key = path.join(' ');
  if (!helpCache.has(key)) helpCache.set(key, runCli([...path, '--help']).then((r) => (r.code === 0 ? r.stdout : Promise.reject(new Error(`gatecheck ${key} --help exited ${r.code}: ${r.stderr}`)))));
  return helpCache.get(key)!;
}

async function expectKnownToGatecheck(invocation: string[]): Promise<void> {
  const path = invocation[0] === 'baseline' ? invocation.slice(0, 2) : invocation.slice(0, 1);
  const top = await helpOf([]);
  if (PENDING_COMMANDS.has(path[0]) && !new RegExp(`^\\s+${path[0]}\\b`, 'm').test(top)) return;
  expect(top, `gatecheck ${path[0]} is not a command`).toMatch(new RegExp(`^\\s+${path[0]}\\b`, 'm'));
  const help = await helpOf(path);
  for (const flag of invocation.filter((w) => w.startsWith('--'))) expect(help, `gatecheck ${path.join(' ')} has no ${flag}`).toContain(`${flag} `);
}

interface GithubStep {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

describe('examples/github-actions.yml', () => {
  let workflow: { on: unknown; jobs: Record<string, { 'runs-on': string; services: Record<string, { image: string }>; steps: GithubStep[] }> };
  beforeAll(async () => {
    workflow = parseYaml(await readFile(example('github-actions.yml'), 'utf8'));
  });

  it('is a workflow: triggers, a job on a runner with a Redis service, steps that each use an action or run a script', () => {
    expect(workflow.on).toBeTruthy();
    const job = workflow.jobs.gatecheck;
    expect(job['runs-on']).toBe('ubuntu-latest');
    expect(job.services.redis.image).toMatch(/^redis:/);
    for (const step of job.steps) expect(Boolean(step.uses) !== Boolean(step.run), JSON.stringify(step)).toBe(true);
    expect(job.steps.map((s) => s.uses).filter(Boolean)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4']);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.if).toBe('always()');
    expect(String(upload.with?.path)).toContain('reports/');
  });

  it('runs doctor, conform --baseline and a short load fanout with thresholds and --baseline, each as gatecheck --help knows them', async () => {
    const runs = workflow.jobs.gatecheck.steps.flatMap((s) => (s.run ? [s.run] : []));
    const invocations = gatecheckInvocations(runs);
    expect(invocations.map((w) => w[0])).toEqual(['doctor', 'conform', 'load']);
    expect(invocations[1]).toEqual(expect.arrayContaining(['--baseline', '--report-dir']));
    expect(invocations[2]).toEqual(expect.arrayContaining(['fanout', '--threshold', '--baseline', '--change-threshold', '--duration']));
    for (const invocation of invocations) await expectKnownToGatecheck(invocation);
  }, 60_000);
});

describe('examples/gitlab-ci.yml', () => {
  let pipeline: Record<string, { stage?: string; services?: Array<{ name: string }>; script?: string[]; artifacts?: { when: string; reports: { junit: string[] } } }>;
  beforeAll(async () => {
    pipeline = parseYaml(await readFile(example('gitlab-ci.yml'), 'utf8'));
  });

  it('wires the JUnit files the gatecheck commands write into the merge-request test report', async () => {
    const job = pipeline.gatecheck;
    expect(job.services?.map((s) => s.name)).toEqual(['redis:7']);
    expect(job.artifacts?.when).toBe('always');
    const invocations = gatecheckInvocations(job.script!);
    expect(invocations.map((w) => w[0])).toEqual(['doctor', 'conform', 'load']);
    // Each junit.xml the report lists is written by a command that asks for junit into that directory.
    const junitDirs = invocations.filter((w) => w.includes('junit')).map((w) => w[w.indexOf('--report-dir') + 1]);
    expect(job.artifacts?.reports.junit).toEqual(junitDirs.map((d) => `${d}/junit.xml`));
    for (const invocation of invocations) await expectKnownToGatecheck(invocation);
  }, 60_000);
});
