import { type Dispatcher, Pool } from "undici";
import type { Endpoint } from "../types/declared.ts";
import { ActitoClient } from "./actito-client.ts";
import { readActitoQuota } from "./actito-quota.ts";
import type { ClientLogEvent } from "./client-log-event.ts";
import { type Clock, realSleep, systemClock } from "./clock.ts";
import { resolveBaseUrl } from "./endpoints.ts";
import { type LicenceLimiter, sharedLicenceLimiter } from "./licence-limiter.ts";
import type { RetryPolicy } from "./retry-decision.ts";
import type { ActitoApi } from "./types.ts";

interface ActitoClientTimeouts {
  /** Time to open a connection (default 10 s). */
  connectMs?: number;
  /** Time from sending a request to the answer's headers (default 120 s: an upload takes time). */
  headersMs?: number;
  /** Longest silence while reading an answer's body (default 60 s). */
  bodyMs?: number;
  /** How long an idle connection is kept for reuse (default 10 s). */
  keepAliveMs?: number;
}

export interface CreateActitoClientOptions {
  endpoint: Endpoint;
  apiKey: string;
  /** Where `EMI_ACTITO_URL` is read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Overrides the base URL outright (then `X-Emi-Endpoint` is sent, as with `EMI_ACTITO_URL`). */
  baseUrl?: string;
  /**
   * The licence (`<endpoint>/<entity>`) the calls count against: every client of one licence in this
   * process then shares one limiter, whatever its key. Default: the key identifies the licence.
   */
  licence?: string;
  /** Default: the process-wide limiter of this licence (base URL + licence, or base URL + endpoint + key). */
  limiter?: LicenceLimiter;
  /** Used only when the shared limiter of the licence is created by this call (default `EMI_ACTITO_MAX_CONCURRENT`, else 4). */
  maxConcurrent?: number;
  /** Used only when the shared limiter of the licence is created by this call (default `EMI_ACTITO_CALLS_PER_MINUTE`, else 90). */
  callsPerMinute?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source, [0, 1) (default Math.random). */
  random?: () => number;
  logger?: (event: ClientLogEvent) => void;
  timeouts?: ActitoClientTimeouts;
  /** Sends through this dispatcher instead of an own Pool (undici MockAgent in tests); not closed by `close()`. */
  dispatcher?: Dispatcher;
  retryPolicy?: RetryPolicy;
  /** Folder for the temporary gzip file of a mass import (default: the OS temp folder). */
  tempDir?: string;
}

/**
 * Builds the client of one Actito licence connection. Requests go through an undici `Pool` with
 * keep-alive to the endpoint's base URL, gated by the licence's shared limiter.
 */
export function createActitoClient(options: CreateActitoClientOptions): ActitoApi {
  const env = options.env ?? process.env;
  const { baseUrl, sendEndpointHeader } = resolveBaseUrl(options.endpoint, { baseUrl: options.baseUrl, env });
  // Checked even when a limiter is lent, so a bad knob is an error wherever a client is built.
  const quota = readActitoQuota(env);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const limiter =
    options.limiter ??
    sharedLicenceLimiter(
      { baseUrl, endpoint: options.endpoint, apiKey: options.apiKey, licence: options.licence },
      {
        maxConcurrent: options.maxConcurrent ?? quota.maxConcurrent,
        callsPerMinute: options.callsPerMinute ?? quota.callsPerMinute,
        clock,
        sleep,
      },
    );
  const t = options.timeouts ?? {};
  const dispatcher =
    options.dispatcher ??
    new Pool(new URL(baseUrl).origin, {
      // Unbounded here: the licence limiter alone decides how many calls are in flight.
      connections: null,
      connectTimeout: t.connectMs ?? 10_000,
      headersTimeout: t.headersMs ?? 120_000,
      bodyTimeout: t.bodyMs ?? 60_000,
      keepAliveTimeout: t.keepAliveMs ?? 10_000,
    });
  return new ActitoClient({
    endpoint: options.endpoint,
    apiKey: options.apiKey,
    baseUrl,
    sendEndpointHeader,
    dispatcher,
    ownsDispatcher: options.dispatcher === undefined,
    limiter,
    clock,
    sleep,
    random: options.random ?? Math.random,
    logger: options.logger ?? (() => {}),
    retryPolicy: options.retryPolicy,
    tempDir: options.tempDir,
  });
}
