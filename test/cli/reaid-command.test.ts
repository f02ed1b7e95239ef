import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";
import { openStore } from "../../src/store/open-store.ts";
import { registryWrite } from "../store/store-contract.ts";

const apiKey = "ak_live_NeverPrintMe_0123456789";

describe("emi reaid", () => {
  let dir: string;
  let storeUrl: string;
  let reaids: Map<string, string>;
  const run = async (...args: string[]) => {
    const io = captureIO(dir);
    const code = await main(["node", "emi", ...args, "--store", storeUrl], io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-reaid-cli-"));
    storeUrl = `sqlite:${join(dir, "state.db")}`;
    const store = await openStore(storeUrl);
    try {
      await store.putIntegration(
        registryWrite(1042, { sisterAccounts: [1043], keyFingerprint: await store.fingerprintKey(apiKey) }),
      );
      const emails = Array.from({ length: 2_500 }, (_, i) => `u${String(i).padStart(4, "0")}@example.com`);
      reaids = await store.getOrCreateReaids("1042", [
        ...emails,
        `"odd, name"@example.com`,
        "=cmd|'/c calc'!a0@x.example",
        "+1@x.example",
        "-2@x.example",
        "@3@x.example",
      ]);
    } finally {
      await store.close();
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the REAID of an e-mail in the namespace of a sister account's owner", async () => {
    const { code, out } = await run("reaid", "get", "--account", "1043", "  U0007@Example.com ");
    expect(code).toBe(0);
    expect(out).toBe(`${reaids.get("u0007@example.com")}\n`);
  });

  it("exits 1 when the e-mail has no REAID", async () => {
    const { code, out, err } = await run("reaid", "get", "--account", "1042", "nobody@example.com");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("no REAID");
  });

  it("exits 1 when the account has no integration", async () => {
    const { code, err } = await run("reaid", "get", "--account", "9", "u0001@example.com");
    expect(code).toBe(1);
    expect(err).toContain("account 9 has no integration in the store");
  });

  it("exits 2 when --account is missing", async () => {
    const { code, err } = await run("reaid", "export");
    expect(code).toBe(2);
    expect(err).toContain("--account");
  });
});
