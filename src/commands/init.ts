import { access, writeFile } from 'node:fs/promises';
import { KRAKEN_TARGET_TEMPLATE, TARGET_TEMPLATE } from '../config/template.js';
import { UsageError } from '../errors.js';

export async function initCommand(file: string, flags: { force?: boolean; dialect?: string }): Promise<number> {
  const exists = await access(file).then(() => true, () => false);
  if (exists && !flags.force) throw new UsageError(`${file} exists; pass --force to overwrite it`);
  await writeFile(file, flags.dialect === 'kraken' ? KRAKEN_TARGET_TEMPLATE : TARGET_TEMPLATE);
  process.stdout.write(`wrote ${file}: edit the instances, auth and rest sections, then run\n  gatecheck conform --target ${file}\n`);
  return 0;
}
