import type { Logger } from 'pino';
import { dialectModule } from '../dialects/index.js';
import { runDoctor } from '../doctor/run.js';
import { doctorExitCode } from '../model/doctor.js';
import { chalkFor } from '../report/console.js';
import { renderDoctor } from '../report/doctor-console.js';
import { Sink } from '../report/sink.js';
import { secrets } from '../secrets/redactor.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';

export interface DoctorFlags extends TargetFlags {
  json?: boolean;
}

/** `gatecheck doctor`: checks the target config against the live target; 0 testable, 2 not. */
export async function doctorCommand(flags: DoctorFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const target = await resolveTarget(flags, logger);
  try {
    secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
    if (target.warning) sink.say(`note: ${target.warning}\n`);
    const { config } = target;
    const report = await runDoctor(config, dialectModule(config.dialect).dialect(config.events), target.summary);
    sink.say(renderDoctor(report, chalkFor(sink.human)));
    if (flags.json) sink.stdout(sink.json(report));
    return doctorExitCode(report);
  } finally {
    await target.stop();
  }
}
