/**
 * The logger port (pino and console both satisfy it) and secret redaction.
 */

/** Structured fields of a log line: snake_case (invoice_id, payment_hash, amount_sat, duration_ms). */
export type LogFields = Record<string, unknown>;

/** A logger: pino's `logger.info(fields, msg)` shape. `console` works too. */
export interface Logger {
  /** Logs at debug level. */
  debug(fields: LogFields, message: string): void;
  /** Logs at info level. */
  info(fields: LogFields, message: string): void;
  /** Logs at warn level. */
  warn(fields: LogFields, message: string): void;
  /** Logs at error level. */
  error(fields: LogFields, message: string): void;
}

/** A logger that writes nothing: lnkit's default. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

const SECRET_KEY = /macaroon|preimage|secret|api[_-]?key|apikey|password|authorization|token|private[_-]?key/i;
const REDACTED = '[redacted]';

/** Replaces secret-looking values in a text: whsec_ secrets, long hex (macaroons, preimages), keys in URLs. */
export function redactText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out
    .replace(/whsec_[A-Za-z0-9+/=]+/g, REDACTED)
    .replace(/\b(0201|0203)[0-9a-f]{40,}\b/gi, REDACTED)
    .replace(/([?&](?:x_cg_pro_api_key|x_cg_demo_api_key|api_key|apikey|key)=)[^&\s]+/gi, `$1${REDACTED}`);
}

/** Deep-copies `value` with secret-named fields and secret-looking strings redacted; errors become plain objects. */
export function redact(value: unknown, known: readonly string[] = [], depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value, known);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    const err = value as Error & { code?: unknown; cause?: unknown };
    return {
      name: err.name,
      message: redactText(err.message, known),
      ...(err.code !== undefined ? { code: err.code } : {}),
      ...(err.cause !== undefined ? { cause: redact(err.cause, known, depth + 1) } : {}),
    };
  }
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => redact(v, known, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, known, depth + 1);
    return out;
  }
  return value;
}

/**
 * Wraps `logger` so every line is redacted first. `known` are exact secrets to scrub anywhere.
 * The silent logger (the default) is returned as is: nothing to redact for, and no deep copy per line.
 */
export function createRedactingLogger(logger: Logger, known: () => readonly string[] = () => []): Logger {
  if (logger === silentLogger) return silentLogger;
  const wrap =
    (level: keyof Logger) =>
    (fields: LogFields, message: string): void => {
      const secrets = known();
      logger[level](redact(fields, secrets) as LogFields, redactText(message, secrets));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
