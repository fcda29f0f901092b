// The escape hatch of profiles/kraken-v0.1.2.yml: NestJS's ValidationPipe with
// exceptionFactory: (errors) => new WsException(errors) sends class-validator's array as it is
// ([{property, constraints, children}]), with no code, message or event.
export function inbound(event, payload) {
  if (event !== 'error' || !Array.isArray(payload)) return undefined;
  const details = payload.map((e) => ({ field: String(e?.property ?? 'payload'), error: Object.values(e?.constraints ?? {}).join('; ') || 'invalid' }));
  return {
    payload: { code: 'VALIDATION_ERROR', message: 'Validation failed', details },
    difference: 'validation errors arrive as the class-validator error array (no code, no event), taken as VALIDATION_ERROR with details',
  };
}
