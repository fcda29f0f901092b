#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { collect, nonNegativeNumber, positiveInt, positiveNumber } from './commands/args.js';
import { errorMessage, GatecheckError } from './errors.js';
import { createLogger, LOG_LEVELS } from './log.js';
import { PROTOCOL_NAMES } from './protocol/names.js';

// Commands load on demand: `--help` and usage errors should not pay for socket.io, Redis or zod.
const conformCommand = async (...a: Parameters<typeof import('./commands/conform.js').conformCommand>) => (await import('./commands/conform.js')).conformCommand(...a);
const mutantsCommand = async (...a: Parameters<typeof import('./commands/mutants.js').mutantsCommand>) => (await import('./commands/mutants.js')).mutantsCommand(...a);
const serveCommand = async (...a: Parameters<typeof import('./commands/serve.js').serveCommand>) => (await import('./commands/serve.js')).serveCommand(...a);
const loadCommand = async (...a: Parameters<typeof import('./commands/load.js').loadCommand>) => (await import('./commands/load.js')).loadCommand(...a);
const compareCommand = async (...a: Parameters<typeof import('./commands/compare.js').compareCommand>) => (await import('./commands/compare.js')).compareCommand(...a);
const baselineWriteCommand = async (...a: Parameters<typeof import('./commands/baseline.js').baselineWriteCommand>) => (await import('./commands/baseline.js')).baselineWriteCommand(...a);
const matrixCommand = async (...a: Parameters<typeof import('./commands/matrix.js').matrixCommand>) => (await import('./commands/matrix.js')).matrixCommand(...a);
const doctorCommand = async (...a: Parameters<typeof import('./commands/doctor.js').doctorCommand>) => (await import('./commands/doctor.js')).doctorCommand(...a);
const initCommand = async (...a: Parameters<typeof import('./commands/init.js').initCommand>) => (await import('./commands/init.js')).initCommand(...a);

const REPORTERS = 'console, json, junit, html, markdown, github';
const reporterOption = (defaults: string, names = REPORTERS) =>
  new Option('--reporter <name>', `output format (repeatable: ${names}); default: console${defaults}, and github when GITHUB_ACTIONS=true`).argParser(collect);

// The dialect names, without loading the dialect modules (and their schemas) for --help.
const DIALECTS = [...PROTOCOL_NAMES];

const EXIT_HELP = `
Exit codes:
  0  every case passed (non-strict deviations allowed unless --strict)
  1  a case failed or errored (with --baseline: a new failure, or a baseline entry whose case now passes;
     for mutants: a bug survived, a deviation was misgraded, a verdict is inconclusive)
  2  usage, config or target error (bad flags, broken config, unreachable or not a Socket.IO server,
     an unset environment variable or a valid token refused before the first case: see gatecheck doctor;
     for mutants, also mutants that could not run here, e.g. no Redis)`;

/**
 * Exits once stdout and stderr have drained: process.exit() drops what a pipe has not taken yet, which
 * cut a large `--json` report short.
 */
async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map(drained));
  process.exit(code);
}

function drained(stream: NodeJS.WriteStream): Promise<void> {
  // A destroyed stream (its reader went away) has nothing left to drain.
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/**
 * A reader that went away (`gatecheck ... | head`) is neither worth a stack trace nor a verdict: what is
 * still written goes nowhere, and the run ends with its own exit code (`set -o pipefail` relies on it).
 */
function writeNowhereOnceTheReaderIsGone(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    // Returning true: a writer waiting for 'drain' from a dead pipe would wait forever.
    stream.write = ((...args: unknown[]) => {
      const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }) as typeof stream.write;
  });
}

function argParser<T>(fn: (v: string) => T) {
  return (v: string) => {
    try {
      return fn(v);
    } catch (err) {
      throw new InvalidArgumentError(errorMessage(err));
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('gatecheck')
    .description('Conformance and load testing for Socket.IO gateways (chat-service and Kraken protocols).')
    .version('0.1.0')
    .addOption(new Option('--log-level <level>', 'structured logs on stderr').choices(LOG_LEVELS).default('warn'))
    .showHelpAfterError()
    .addHelpText('after', EXIT_HELP);

  const logger = (cmd: Command) => createLogger(cmd.optsWithGlobals().logLevel);
  const targetOptions = (cmd: Command) =>
    cmd
      .option('--target <file>', 'target config (YAML or JSON; see `gatecheck init`)')
      .option('--url <url>', 'an instance URL (repeatable); tokens are minted HS256 with $GATECHECK_JWT_SECRET', collect)
      .option('--redis-url <url>', 'reference gateway only: the Redis to share between its instances')
      .option('--instances <n>', 'reference gateway only: how many instances (default 2 with Redis, else 1)', argParser(positiveInt('--instances')))
      .option('--mutant <name>', 'reference gateway only: start it with this deliberate bug (see `gatecheck mutants`)')
      .option('--drift <name>', 'reference gateway only: make it differ from its document as a named real server does (kraken: kraken-v0.1.2)');

  targetOptions(
    program
      .command('conform')
      .description('Run the conformance suite. With no --target/--url it starts the bundled reference gateway.')
      .addOption(new Option('--dialect <name>', 'protocol to test (default: the target config\'s, else chat-service)').choices(DIALECTS))
      .option('--strict', 'non-strict deviations from the document count as failures')
      .option('--report-dir <dir>', 'write report.json and junit.xml there')
      .option('--json', 'print report.json on stdout (the human summary goes to stderr)')
      .option('--filter <text>', 'only cases whose id contains it, or of that suite / seedRef (repeatable); "robustness" runs the robustness suite (attacks, never run by default)', collect)
      .option('--profile <name|file>', "how the target differs from its document: a shipped profile's name (profiles/, e.g. kraken-v0.1.2) or a file; overrides the config's `profile`")
      .option('-v, --verbose', 'show the evidence of non-strict and skipped cases too')
      .addOption(reporterOption(', with --report-dir also json (report.json), junit (junit.xml) and html (report.html)'))
      .option('--baseline <file>', 'a previous report.json or a baseline file of accepted cases: exit 1 only on a new failure or a baseline entry that now passes')
      .option('--update-baseline <file>', 'write the baseline file of this run (every failing case accepted with its reason) there')
      .option('--ttl-wait', 'kraken: run the TTL expiry cases whatever the declared TTLs (by default a TTL over 5 s, or over kraken.maxTtlWaitMs, skips them); the run says up front how long they wait')
      .option('--no-preflight', 'skip the fast doctor checks before the first case (each instance answers Socket.IO and accepts a valid token)'),
  )
    .addHelpText('after', `\nExamples:\n  gatecheck conform                                  # the bundled reference gateway\n  gatecheck conform --target my-gateway.yml --report-dir reports/ci\n  gatecheck conform --target my-gateway.yml --baseline gatecheck-baseline.yml --reporter console --reporter junit --report-dir reports\n  GATECHECK_JWT_SECRET=... gatecheck conform --url http://127.0.0.1:4001 --url http://127.0.0.1:4002\n${EXIT_HELP}`)
    .action(async (flags, cmd: Command) => exit(await conformCommand(flags, logger(cmd))));

  targetOptions(
    program
      .command('doctor')
      .description('Check a target config against the live target before a suite runs: each check one line with the fix. With no --target/--url it checks the bundled reference gateway.')
      .addOption(new Option('--dialect <name>', "protocol to check (default: the target config's, else chat-service)").choices(DIALECTS))
      .option('--json', 'print the checks as JSON on stdout (the lines go to stderr)'),
  )
    .addHelpText(
      'after',
      `\nChecks, in order:\n  env           every { env: NAME } the config names is set\n  reachability  every instance completes a Socket.IO (Engine.IO v4) handshake\n  world         Kraken: kraken.world.provision answers a world at its resultPath (or the fixed world)\n  tokens        a token for each declared user is accepted on every instance (chat-service: \`connected\` arrives;\n                Kraken: the socket is not refused); a refusal says what came back and the likely fix\n  rest          each declared REST call works and its idPath yields an id (leaves one conversation behind)\n  redis         capabilities.redis.url answers; after one connection the key patterns hold the socket\n  rate-limit    connections refused as rate limited vs limits.connectsPerSecond\n  events        renamed events (config \`events\`) and chat-service's ping are answered (silence: a warning)\n\nExamples:\n  gatecheck doctor --target my-gateway.yml\n  gatecheck doctor --target kraken.yml --json > doctor.json\n\nExit codes:\n  0  every blocking check passed (warnings allowed: the cases they name will not pass)\n  2  the target cannot be tested as configured (a ✗ line), or a usage or config error`,
    )
    .action(async (flags, cmd: Command) => exit(await doctorCommand(flags, logger(cmd))));

  targetOptions(
    program
      .command('load')
      .description('Run an Artillery load scenario (scenarios/NAME.yml). With no --target/--url it starts the reference gateway: two instances and a Redis.')
      .argument('<scenario>', 'a scenario of scenarios/ (fanout, reconnection-storm, throughput; kraken: fanout, throughput, presence-storm, reconnection-storm) or a path to a scenario file')
      .addOption(new Option('--dialect <name>', 'protocol the VUs speak (default: the target config\'s, else chat-service); kraken runs scenarios/kraken-NAME.yml').choices(DIALECTS))
      .option('--connections <n>', 'connections (one VU, one user, one socket each)', argParser(positiveInt('--connections')))
      .option('--vus <n>', 'the same as --connections for the fan-out scenario', argParser(positiveInt('--vus')))
      .option('--rate <n>', 'messages a second per sender (throughput: the top offered rate over all senders; the steps double up to it)', argParser(positiveNumber('--rate')))
      .option('--duration <seconds>', 'seconds of sending (throughput: seconds per step)', argParser(positiveNumber('--duration')))
      .option('--ramp <seconds>', 'seconds over which Artillery starts the VUs (their handshakes are paced by the connect latency the target shows)', argParser(positiveNumber('--ramp')))
      .option('--settle <seconds>', 'seconds from the end of the connection phase (every VU connected, or the connect deadline) to the first send (default: half the connection phase, 1 to 10 s)', argParser(positiveNumber('--settle')))
      .addOption(new Option('--engine <name>', "Artillery engine: its built-in socketio, or artillery-engine-socketio-v3").choices(['socketio', 'socketio-v3']).default('socketio'))
      .addOption(new Option('--adapter <name>', 'reference gateway only: Redis pub/sub adapter, or the streams adapter with connection state recovery').choices(['pubsub', 'streams']))
      .option('--compare-adapters', 'reference gateway: run the scenario on Redis pub/sub, then on Redis streams with connection state recovery, and compare')
      .addOption(new Option('--storm <mode>', 'reconnection-storm: drop every transport at once (kraken: all but the world owners\'), or kill and restart one reference instance').choices(['transport', 'instance']))
      .option('--reconnect-spread <seconds>', 'reconnection-storm, transport: the receivers retry spread uniformly over this many seconds after the outage, as socket.io-client\'s randomized backoff spreads real clients (default 1; 0: all in the same tick)', argParser(nonNegativeNumber('--reconnect-spread')))
      .option('--profile <name|file>', "how the target differs from its document (see conform --profile); every payload the Kraken VUs send follows it")
      .option('--source-addresses <spec>', 'spread the VUs\' client sockets over these local addresses (both engines: the VUs open their own sockets), e.g. 127.0.0.2-127.0.0.9, a comma list, or a count N (127.0.0.1..N); ~28k connections per address')
      .option('--threshold <expr>', 'a pass condition, e.g. "p99(fanout.latency_ms) < 250" or "fanout.lost == 0" (repeatable; replaces the scenario\'s defaults)', collect)
      .option('--report-dir <dir>', 'write report.json, artillery.json (raw) and report.html there')
      .option('--json', 'print report.json on stdout (the human summary goes to stderr)')
      .option('--allow-saturated', 'exit 0/1 even when the load generator was saturated')
      .addOption(reporterOption(', with --report-dir also json (report.json, artillery.json) and html (report.html)'))
      .option('--baseline <file>', 'a previous report.json of this scenario: compare with it (see gatecheck compare); a regression beyond the change thresholds exits 1')
      .option('--change-threshold <expr>', 'with --baseline: an allowed change, e.g. "p99(fanout.latency_ms) +10%" or "fanout.delivery_ratio -0.1%" (repeatable)', collect)
      .option('--allow-different', 'with --baseline: compare even when the runs\' parameters differ'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  gatecheck load fanout                                   # reference gateway, 2 instances, Redis\n  gatecheck load fanout --connections 400 --rate 2 --duration 30 --threshold "p99(fanout.latency_ms) < 250"\n  gatecheck load fanout --target my-gateway.yml --report-dir reports/fanout\n  gatecheck load reconnection-storm --storm instance      # kill and restart one reference instance\n\nExit codes:\n  0  every threshold held\n  1  a threshold failed (a metric not produced fails too), Artillery failed, or a regression beyond a change threshold (--baseline)\n  2  usage, config or target error\n  3  the load generator was saturated: its numbers measure the generator (see --allow-saturated)\n  130 interrupted (Artillery and the gateway stopped, temp files removed)`,
    )
    .action(async (scenario: string, flags, cmd: Command) => exit(await loadCommand(scenario, flags, logger(cmd))));

  program
    .command('mutants')
    .description('Run the suite against the reference gateway and each of its deliberate bugs; print the kill matrix.')
    .addOption(new Option('--dialect <name>', 'which reference gateway and suite').choices(DIALECTS).default('chat-service'))
    .option('--report-dir <dir>', 'write mutants.json there')
    .option('--only <name>', 'only this mutant (repeatable)', collect)
    .addOption(new Option('--suite <name>', 'the conformance suite and its mutants, or the robustness suite (attacks) and its own').choices(['conformance', 'robustness']).default('conformance'))
    .option('--redis-url <url>', 'the Redis the two reference instances share (runs the mutants one at a time)')
    .option('--parallel <n>', 'reference gateways tested at once, each with its own redis-server (default: CPUs, at most 3)', argParser(positiveInt('--parallel')))
    .option('--json', 'print mutants.json on stdout')
    .addOption(reporterOption(', with --report-dir also json (mutants.json) and html (report.html, the kill matrix)'))
    .action(async (flags, cmd: Command) => exit(await mutantsCommand(flags, logger(cmd))));

  program
    .command('matrix')
    .description('Run the suite on several implementations, one after the other, and write one page with a column per target and a row per case.')
    .option('--target <file>', 'a target config (repeatable)', collect)
    .option('--reference', 'a column for the bundled reference gateway')
    .option('--mutant <name>', 'a column for the reference gateway with this deliberate bug (repeatable)', collect)
    .addOption(new Option('--dialect <name>', 'protocol to test (default: the target configs\', else chat-service)').choices(DIALECTS))
    .option('--instances <n>', '--reference/--mutant columns: how many instances', argParser(positiveInt('--instances')))
    .option('--redis-url <url>', '--reference/--mutant columns: the Redis their instances share')
    .option('--strict', 'non-strict deviations count as failures')
    .option('--filter <text>', 'only cases whose id contains it, or of that suite / seedRef (repeatable)', collect)
    .option('--report-dir <dir>', 'write matrix.json, report.html and each target\'s report.json (in a directory named after it) there')
    .option('--json', 'print matrix.json on stdout')
    .addHelpText('after', `\nExamples:\n  gatecheck matrix --target ours.yml --target theirs.yml --report-dir reports/matrix\n  gatecheck matrix --reference --mutant auth-accept-expired --filter auth\n\nExit codes:\n  0  every target passed\n  1  a target failed or errored a case\n  2  usage, config or target error`)
    .action(async (flags, cmd: Command) => exit(await matrixCommand(flags, logger(cmd))));

  program
    .command('compare')
    .description('Compare two load reports (report.json of gatecheck load): the metrics side by side with their change, judged against change thresholds and the runs\' own spread.')
    .argument('<base>', 'report.json of the earlier run')
    .argument('<head>', 'report.json of the run to judge')
    .option('--threshold <expr>', 'an allowed change: METRIC +N% (an increase beyond N% is a regression) or METRIC -N% (a decrease), or +N / -N in the metric\'s unit (repeatable; default: p99 of the latency +10%, delivery ratio -0.1%)', collect)
    .option('--allow-different', 'compare even when the runs\' parameters (scenario, connections, rate, engine, adapter, instances) differ')
    .addOption(reporterOption(', with --report-dir also json (comparison.json) and markdown (report.md)', 'console, json, markdown, github'))
    .option('--report-dir <dir>', 'write comparison.json and report.md there')
    .option('--json', 'print comparison.json on stdout')
    .addHelpText('after', `\nExamples:\n  gatecheck compare last-week/report.json reports/fanout/report.json\n  gatecheck compare base.json head.json --threshold "p99(fanout.latency_ms) +10%" --threshold "fanout.delivery_ratio -0.1%"\n\nExit codes:\n  0  no change beyond a threshold\n  1  a regression beyond a threshold (or a thresholded metric missing from a run)\n  2  usage error, an unreadable report, or runs whose parameters differ (see --allow-different)`)
    .action(async (base: string, head: string, flags) => exit(await compareCommand(base, head, flags)));

  const baseline = program.command('baseline').description('Baseline files for `gatecheck conform --baseline`.');
  baseline
    .command('write')
    .description('Write a baseline file from a conformance report.json: every failed and errored case (non-strict too if the run was strict) accepted with its reason, to review and commit.')
    .requiredOption('--from <report>', 'report.json of gatecheck conform')
    .option('--out <file>', 'where to write it', 'gatecheck-baseline.yml')
    .option('--expires <date>', 'YYYY-MM-DD: after this day the entries no longer accept anything')
    .action(async (flags) => exit(await baselineWriteCommand(flags)));

  program
    .command('serve')
    .description('Start the reference gateway (and a Redis when several instances) until Ctrl-C.')
    .addOption(new Option('--dialect <name>', 'which reference gateway').choices(DIALECTS).default('chat-service'))
    .option('--instances <n>', 'how many instances', argParser(positiveInt('--instances')), 1)
    .option('--redis-url <url>', 'the Redis to share between instances')
    .option('--mutant <name>', 'start it with this deliberate bug')
    .action(async (flags, cmd: Command) => exit(await serveCommand(flags, logger(cmd))));

  program
    .command('init')
    .description('Write a commented target config template.')
    .argument('[file]', 'where to write it', 'gatecheck.target.yml')
    .addOption(new Option('--dialect <name>', 'which protocol the template is for').choices(DIALECTS).default('chat-service'))
    .option('--force', 'overwrite an existing file')
    .action(async (file, flags) => exit(await initCommand(file, flags)));

  program.exitOverride();
  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  everyCommand(program).forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  writeNowhereOnceTheReaderIsGone(process.stdout);
  writeNowhereOnceTheReaderIsGone(process.stderr);
  const program = buildProgram();
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      await exit(2);
    }
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      await exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2);
    }
    process.stderr.write(`gatecheck: ${errorMessage(err)}\n`);
    await exit(err instanceof GatecheckError ? err.exitCode : 2);
  }
}

await main();
