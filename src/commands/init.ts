import { access, writeFile } from 'node:fs/promises';
import { TARGET_TEMPLATE } from '../config/template.js';
import { UsageError } from '../errors.js';

export async function initCommand(file: string, flags: { force?: boolean }): Promise<number> {
  const exists = await access(file).then(() => true, () => false);
  if (exists && !flags.force) throw new UsageError(`${file} exists; pass --force to overwrite it`);
  await writeFile(file, TARGET_TEMPLATE);
  process.stdout.write(`wrote ${file}: edit the instances, auth and rest sections, then run\n  gatecheck conform --target ${file}\n`);
  return 0;
}
