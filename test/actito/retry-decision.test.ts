import { describe, expect, it } from "vitest";
import { parseRetryAfter, type RetryInput, retryDecision } from "../../src/actito/retry-decision.ts";

const base: RetryInput = { attempt: 1, headers: {}, method: "GET", idempotent: true, now: 0, random: 0.5 };
const netError = (code: string) => Object.assign(new Error(code), { code });

describe("retryDecision", () => {
  it.each([429, 500, 502, 503, 504])("retries an idempotent call when Actito answers %i", (status) => {
    expect(retryDecision({ ...base, status })).toEqual({ retry: true, waitMs: expect.any(Number) });
  });

  it.each([400, 401, 403, 404, 405, 406, 409, 422])("never retries when Actito answers %i", (status) => {
    expect(retryDecision({ ...base, status })).toEqual({ retry: false, reason: "not-retryable" });
    expect(retryDecision({ ...base, status, method: "POST", idempotent: false })).toEqual({
      retry: false,
      reason: "not-retryable",
    });
  });

  it.each([
    "ECONNRESET",
    "UND_ERR_SOCKET",
    "ECONNREFUSED",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
  ])("retries an idempotent call when the connection fails with %s", (code) => {
    expect(retryDecision({ ...base, error: netError(code) }).retry).toBe(true);
  });

  it("reads the error code from the cause when the error wraps it", () => {
    const error = new Error("fetch failed", { cause: netError("ECONNRESET") });
    expect(retryDecision({ ...base, error }).retry).toBe(true);
  });

  it("does not retry an error that is not a network failure", () => {
    expect(retryDecision({ ...base, error: new TypeError("bug") })).toEqual({
      retry: false,
      reason: "not-retryable",
    });
  });

  it.each([429, 503])("retries a non-idempotent call when Actito refused it with %i", (status) => {
    expect(retryDecision({ ...base, status, method: "POST", idempotent: false }).retry).toBe(true);
  });

  it.each([500, 502, 504])("reports an unknown outcome for a non-idempotent call answered %i", (status) => {
    expect(retryDecision({ ...base, status, method: "POST", idempotent: false })).toEqual({
      retry: false,
      reason: "outcome-unknown",
    });
  });

  it("reports an unknown outcome when a non-idempotent call's connection dropped", () => {
    for (const code of ["ECONNRESET", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT"]) {
      expect(retryDecision({ ...base, error: netError(code), method: "POST", idempotent: false })).toEqual({
        retry: false,
        reason: "outcome-unknown",
      });
    }
  });

  it("retries a non-idempotent call when the connection was never made", () => {
    const decision = retryDecision({
      ...base,
      error: netError("ECONNREFUSED"),
      method: "POST",
      idempotent: false,
    });
    expect(decision.retry).toBe(true);
  });

  it("backs off exponentially with jitter up to the cap", () => {
    const wait = (attempt: number, random: number) => {
      const d = retryDecision(
        { ...base, status: 503, attempt, random },
        {
          maxAttempts: 20,
          baseMs: 100,
          capMs: 1000,
          maxRetryAfterMs: 5000,
        },
      );
      return d.retry ? d.waitMs : -1;
    };
    expect([wait(1, 0), wait(1, 0.999)]).toEqual([50, 100]);
    expect([wait(2, 0), wait(3, 0)]).toEqual([100, 200]);
    expect(wait(10, 0)).toBe(500);
    expect(wait(10, 0.999)).toBe(1000);
  });

  it("gives up when the attempts are exhausted", () => {
    expect(retryDecision({ ...base, status: 503, attempt: 6 })).toEqual({
      retry: false,
      reason: "attempts-exhausted",
    });
  });

  it("waits as long as Retry-After says in seconds", () => {
    expect(retryDecision({ ...base, status: 429, headers: { "retry-after": "7" } })).toEqual({
      retry: true,
      waitMs: 7000,
    });
  });

  it("waits until the Retry-After HTTP date", () => {
    const now = Date.parse("2025-06-01T10:00:00Z");
    const headers = { "retry-after": "Sun, 01 Jun 2025 10:00:30 GMT" };
    expect(retryDecision({ ...base, status: 503, headers, now })).toEqual({ retry: true, waitMs: 30_000 });
  });

  it("gives up when Retry-After asks for longer than the policy allows", () => {
    expect(retryDecision({ ...base, status: 429, headers: { "retry-after": "86400" } })).toEqual({
      retry: false,
      reason: "wait-too-long",
    });
  });

  it("ignores a Retry-After it cannot read", () => {
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter("Sun, 01 Jun 2025 10:00:00 GMT", Date.parse("2025-06-02T00:00:00Z"))).toBe(0);
  });
});
