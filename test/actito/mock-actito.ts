import { MockAgent, type MockPool } from "undici";
import type { ClientLogEvent } from "../../src/actito/client-log-event.ts";
import { createActitoClient, type CreateActitoClientOptions } from "../../src/actito/create-actito-client.ts";
import { createLicenceLimiter } from "../../src/actito/licence-limiter.ts";
import { fakeTime } from "./fake-time.ts";

export const ORIGIN = "https://api3.actito.com";
export const API_KEY = "test-api-key-Zq8w1";

/** A client on api3 whose HTTP goes to an undici MockAgent, with fake time and its own limiter. */
export function mockActito(options: Partial<CreateActitoClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool: MockPool = agent.get(ORIGIN);
  const time = fakeTime();
  const logs: ClientLogEvent[] = [];
  const limiter = createLicenceLimiter({
    maxConcurrent: options.maxConcurrent ?? 4,
    callsPerMinute: options.callsPerMinute ?? Number.POSITIVE_INFINITY,
    clock: time.clock,
    sleep: time.sleep,
  });
  const client = createActitoClient({
    endpoint: "api3",
    apiKey: API_KEY,
    env: {},
    dispatcher: agent,
    limiter,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    logger: (event) => logs.push(event),
    ...options,
  });
  return { agent, pool, client, time, logs, limiter };
}

/** Answers `GET /auth/token` with `token` (the key must be sent raw). */
export function replyToken(
  pool: MockPool,
  token: string,
  options: { times?: number; delayMs?: number; expiresIn?: string } = {},
) {
  const scope = pool
    .intercept({ path: "/auth/token", method: "GET", headers: { authorization: API_KEY } })
    .reply(200, {
      accessToken: token,
      tokenType: "bearer",
      expiresIn: options.expiresIn ?? "900s",
      scope: "read write",
      jti: "0b8f",
    });
  scope.times(options.times ?? 1);
  if (options.delayMs !== undefined) scope.delay(options.delayMs);
  return scope;
}

/** Matches a path whatever its query string. */
export const pathIs = (wanted: string) => (path: string) => path.split("?")[0] === wanted;

export const ENTITIES = { entities: [{ id: 1, name: "acme", comment: null }] };
