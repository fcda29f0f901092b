import { resolveSecret } from '../config/load.js';
import type { RestCall, RestCallName, TargetConfig } from '../config/schema.js';
import { log } from '../log.js';
import { secrets } from '../secrets/redactor.js';
import { fillTemplate, readPath } from './template.js';

export class SetupError extends Error {}

export interface RestResult {
  status: number;
  body: unknown;
  id?: string;
}

/** The target's REST surface for setup actions, as the config describes it. */
export class RestClient {
  private readonly baseUrl: string;
  constructor(private readonly config: TargetConfig, private readonly timeoutMs: number) {
    this.baseUrl = (config.rest?.baseUrl ?? config.instances[0].url.replace(/^ws/, 'http')).replace(/\/$/, '');
  }

  has(name: RestCallName): boolean {
    return Boolean(this.config.rest?.[name]);
  }

  async call(name: RestCallName, actorToken: string | undefined, vars: Record<string, unknown>): Promise<RestResult> {
    const spec = this.config.rest?.[name];
    if (!spec) throw new SetupError(`rest.${name} is not declared in the target config`);
    return this.callSpec(spec, `rest.${name}`, actorToken, vars);
  }

  /** Any declared call (a chat rest.* call or a kraken.rest / kraken.world.provision one); a non-2xx answer is a SetupError. */
  async callSpec(spec: RestCall, name: string, actorToken: string | undefined, vars: Record<string, unknown>): Promise<RestResult> {
    const { status, body: parsed, text, path } = await this.request(spec, name, actorToken, vars);
    if (status < 200 || status > 299) throw new SetupError(`REST ${name} (${spec.method} ${path}) answered ${status}: ${secrets.clip(text, 200)}`);
    const id = spec.idPath ? readPath(parsed, spec.idPath) : undefined;
    if (spec.idPath && typeof id !== 'string') {
      throw new SetupError(`REST ${name} answered ${status} but ${spec.idPath} is not a string id in ${secrets.clip(text, 200)}`);
    }
    return { status: status, body: parsed, id: id as string | undefined };
  }

  /** The call's answer whatever its status (a client event a profile moved to REST is judged by its caller). */
  async request(spec: Pick<RestCall, 'method' | 'path' | 'body'>, name: string, actorToken: string | undefined, vars: Record<string, unknown>): Promise<{ status: number; body: unknown; text: string; path: string }> {
    const path = String(fillTemplate(spec.path, vars));
    const body = spec.body === undefined ? undefined : JSON.stringify(fillTemplate(spec.body, vars));
    const headers: Record<string, string> = actorToken ? { authorization: `Bearer ${actorToken}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (const [k, v] of Object.entries(this.config.rest?.headers ?? {})) headers[k] = resolveSecret(v, `rest.headers.${k}`);
    log().debug({ call: name, method: spec.method, url: this.baseUrl + path, body: body === undefined ? undefined : secrets.clip(body, 500) }, 'REST request');
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, { method: spec.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new SetupError(`REST ${name} (${spec.method} ${path}) did not answer: ${(err as Error).cause ? String((err as Error).cause) : (err as Error).message}`);
    }
    const text = await res.text();
    log().debug({ call: name, status: res.status, body: secrets.clip(text, 500) }, 'REST answer');
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* a non-JSON body is reported as text */
    }
    return { status: res.status, body: parsed, text, path };
  }

}
