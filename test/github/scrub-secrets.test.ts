import { describe, expect, it } from "vitest";
import { rememberSecret } from "../../src/config/known-secrets.ts";
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

describe("scrubSecrets beyond the environment's plain values", () => {
  it("masks each identity line of EMI_AGE_IDENTITY and keys decrypted or read from files", () => {
    const identity = "AGE-SECRET-KEY-1QQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE";
    const decrypted = "decrypted-key-Zx8kP2qLm9RtV4wN";
    rememberSecret(decrypted);
    const env = { EMI_AGE_IDENTITY: `# created: 2026-12-01\n# public key: age1abc\n${identity}\n` };
    expect(scrubSecrets(`id ${identity} key ${decrypted}`, env)).toBe("id *** key ***");
  });
});
