import { ActitoQuotaError } from "./errors.ts";
import { DEFAULT_CALLS_PER_MINUTE, DEFAULT_MAX_CONCURRENT } from "./licence-limiter.ts";

/** What emi allows itself per licence, from the environment. */
export interface ActitoQuota {
  /** `EMI_ACTITO_CALLS_PER_MINUTE` (default 90; Actito throttles past 100, more with an extension pack). */
  callsPerMinute: number;
  /** `EMI_ACTITO_MAX_CONCURRENT` (default 4; Actito answers 429 past 5). */
  maxConcurrent: number;
}

/**
 * Reads the quota knobs wherever a client is built. Unset or blank means the default; anything
 * but a positive whole number is one ActitoQuotaError naming the variable and what to do.
 */
export function readActitoQuota(env: Record<string, string | undefined>): ActitoQuota {
  return {
    callsPerMinute: knob(env, "EMI_ACTITO_CALLS_PER_MINUTE", DEFAULT_CALLS_PER_MINUTE),
    maxConcurrent: knob(env, "EMI_ACTITO_MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT),
  };
}

function knob(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    const shown = raw.length > 20 ? `${raw.slice(0, 20)}…` : raw;
    throw new ActitoQuotaError(
      `${name} must be a whole number of at least 1 (got ${JSON.stringify(shown)}): ` +
        `set it to what your Actito licence allows (default ${fallback}), or unset it`,
    );
  }
  return value;
}
