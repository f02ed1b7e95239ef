import { describe, expect, it } from "vitest";
import { scrubSecrets, secretValuesIn } from "../../src/github/scrub-secrets.ts";

describe("scrubSecrets", () => {
  const env = {
    GITHUB_TOKEN: "ghs_0123456789abcdef",
    ACTITO_KEY_NORDLYS: "ak_live_abcdefgh12345678",
    EMI_STORE: "postgres://emi:p%40ss-w0rd@db:5432/emi",
    GITHUB_REPOSITORY: "acme/integrations",
    SHORT_KEY: "abc",
  };

  it("masks tokens, keys and a store URL's password wherever they appear", () => {
    const text = `key ak_live_abcdefgh12345678 token ghs_0123456789abcdef url postgres://emi:p%40ss-w0rd@db pw p@ss-w0rd`;
    const out = scrubSecrets(text, env);
    expect(out).toBe("key *** token *** url postgres://emi:***@db pw ***");
  });

  it("leaves ordinary values and short ones alone", () => {
    expect(scrubSecrets("acme/integrations abc", env)).toBe("acme/integrations abc");
    expect(secretValuesIn(env)).not.toContain("acme/integrations");
  });
});
