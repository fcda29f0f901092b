/**
 * An Artillery plugin that does nothing but exist: `gatecheck load` names it in the script's
 * `config.plugins` with `suppressOutput: true`, which makes Artillery's console leave out every metric
 * whose name holds `plugins.gatecheck` (HIDDEN_PREFIX in metric-batch.ts): the per-second series and
 * per-sender counters, thousands of lines per reporting period that Artillery's main thread would
 * otherwise format, and gatecheck parse, while the VUs time deliveries on the same cores. Artillery
 * finds it through ARTILLERY_PLUGIN_PATH (the directory above this one).
 */
export default function GatecheckPlugin(): void {}
