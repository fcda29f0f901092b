#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { collect, positiveInt, positiveNumber } from './commands/args.js';
import { errorMessage, GatecheckError } from './errors.js';
import { createLogger, LOG_LEVELS } from './log.js';
import { PROTOCOL_NAMES } from './protocol/names.js';

// Commands load on demand: `--help` and usage errors should not pay for socket.io, Redis or zod.
const conformCommand = async (...a: Parameters<typeof import('./commands/conform.js').conformCommand>) => (await import('./commands/conform.js')).conformCommand(...a);
const mutantsCommand = async (...a: Parameters<typeof import('./commands/mutants.js').mutantsCommand>) => (await import('./commands/mutants.js')).mutantsCommand(...a);
const serveCommand = async (...a: Parameters<typeof import('./commands/serve.js').serveCommand>) => (await import('./commands/serve.js')).serveCommand(...a);
const loadCommand = async (...a: Parameters<typeof import('./commands/load.js').loadCommand>) => (await import('./commands/load.js')).loadCommand(...a);
const initCommand = async (...a: Parameters<typeof import('./commands/init.js').initCommand>) => (await import('./commands/init.js')).initCommand(...a);

// The dialect names, without loading the dialect modules (and their schemas) for --help.
const DIALECTS = [...PROTOCOL_NAMES];

const EXIT_HELP = `
Exit codes:
  0  every case passed (non-strict deviations allowed unless --strict)
  1  a case failed or errored (for mutants: a bug survived, a deviation was misgraded, a verdict is inconclusive)
  2  usage, config or target error (bad flags, broken config, unreachable or not a Socket.IO server;
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
      .option('--mutant <name>', 'reference gateway only: start it with this deliberate bug (see `gatecheck mutants`)');

  targetOptions(
    program
      .command('conform')
      .description('Run the conformance suite. With no --target/--url it starts the bundled reference gateway.')
      .addOption(new Option('--dialect <name>', 'protocol to test (default: the target config\'s, else chat-service)').choices(DIALECTS))
      .option('--strict', 'non-strict deviations from the document count as failures')
      .option('--report-dir <dir>', 'write report.json and junit.xml there')
      .option('--json', 'print report.json on stdout (the human summary goes to stderr)')
      .option('--filter <text>', 'only cases whose id contains it, or of that suite / seedRef (repeatable); "robustness" runs the robustness suite (attacks, never run by default)', collect)
      .option('-v, --verbose', 'show the evidence of non-strict and skipped cases too'),
  )
    .addHelpText('after', `\nExamples:\n  gatecheck conform                                  # the bundled reference gateway\n  gatecheck conform --target my-gateway.yml --report-dir reports/ci\n  GATECHECK_JWT_SECRET=... gatecheck conform --url http://127.0.0.1:4001 --url http://127.0.0.1:4002\n${EXIT_HELP}`)
    .action(async (flags, cmd: Command) => exit(await conformCommand(flags, logger(cmd))));

  targetOptions(
    program
      .command('load')
      .description('Run an Artillery load scenario (scenarios/NAME.yml). With no --target/--url it starts the reference gateway: two instances and a Redis.')
      .argument('<scenario>', 'a scenario of scenarios/ (fanout, reconnection-storm, throughput) or a path to a scenario file')
      .option('--connections <n>', 'connections (one VU, one user, one socket each)', argParser(positiveInt('--connections')))
      .option('--vus <n>', 'the same as --connections for the fan-out scenario', argParser(positiveInt('--vus')))
      .option('--rate <n>', 'messages a second per sender (throughput: the top offered rate over all senders; the steps double up to it)', argParser(positiveNumber('--rate')))
      .option('--duration <seconds>', 'seconds of sending (throughput: seconds per step)', argParser(positiveNumber('--duration')))
      .option('--ramp <seconds>', 'seconds over which the connections arrive (the scenario\'s rampSeconds and phase duration)', argParser(positiveNumber('--ramp')))
      .option('--settle <seconds>', 'seconds between the last arrival and the first send (the scenario\'s settleSeconds)', argParser(positiveNumber('--settle')))
      .addOption(new Option('--engine <name>', "Artillery engine: its built-in socketio, or artillery-engine-socketio-v3").choices(['socketio', 'socketio-v3']).default('socketio'))
      .addOption(new Option('--adapter <name>', 'reference gateway only: Redis pub/sub adapter, or the streams adapter with connection state recovery').choices(['pubsub', 'streams']))
      .option('--compare-adapters', 'reference gateway: run the scenario on Redis pub/sub, then on Redis streams with connection state recovery, and compare')
      .addOption(new Option('--storm <mode>', 'reconnection-storm: drop every transport at once, or kill and restart one reference instance').choices(['transport', 'instance']))
      .option('--threshold <expr>', 'a pass condition, e.g. "p99(fanout.latency_ms) < 250" or "fanout.lost == 0" (repeatable; replaces the scenario\'s defaults)', collect)
      .option('--report-dir <dir>', 'write report.json, artillery.json (raw) and report.html there')
      .option('--json', 'print report.json on stdout (the human summary goes to stderr)')
      .option('--allow-saturated', 'exit 0/1 even when the load generator was saturated'),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  gatecheck load fanout                                   # reference gateway, 2 instances, Redis\n  gatecheck load fanout --connections 400 --rate 2 --duration 30 --threshold "p99(fanout.latency_ms) < 250"\n  gatecheck load fanout --target my-gateway.yml --report-dir reports/fanout\n  gatecheck load reconnection-storm --storm instance      # kill and restart one reference instance\n\nExit codes:\n  0  every threshold held\n  1  a threshold failed (a metric not produced fails too) or Artillery failed\n  2  usage, config or target error\n  3  the load generator was saturated: its numbers measure the generator (see --allow-saturated)`,
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
    .action(async (flags, cmd: Command) => exit(await mutantsCommand(flags, logger(cmd))));

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
  program.commands.forEach((c) => c.exitOverride());
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
