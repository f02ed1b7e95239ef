import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { readSecret } from "../../src/config/resolve-secret.ts";
import { ageKeyPair, encryptArmored } from "../config/age-fixture.ts";
import { ageBinaries, describeWith } from "../requirements.ts";

const KEY = "Zx8kP2qLm9RtV4wNb7Yc3HsJd6GfA1eU";

/** The real age binaries (Debian's `age` package, installed by .ci/run). */
function ageKeygen(dir: string, name: string): { file: string; identity: string; recipient: string } {
  const file = join(dir, name);
  execFileSync("age-keygen", ["-o", file], { stdio: "pipe" });
  const identity = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("AGE-SECRET-KEY-"))!;
  const recipient = execFileSync("age-keygen", ["-y", file], { encoding: "utf8" }).trim();
  return { file, identity, recipient };
}

describeWith([ageBinaries], "emi secret", () => {
  let repo: string;
  let keys: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "emi-secret-cmd-"));
    keys = mkdtempSync(join(tmpdir(), "emi-age-keys-"));
    mkdirSync(join(repo, "integrations"));
  });
  afterEach(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(keys, { recursive: true, force: true });
  });

  async function run(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    let out = "";
    let err = "";
    const io: CliIO = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: options.env ?? {},
      cwd: repo,
      secretInput: async () => options.stdin ?? "",
    };
    const code = await main(["node", "emi", "secret", ...args], io);
    return { code, out, err };
  }

  it("encrypts stdin to ageRecipients, strips one trailing newline, prints the secretRef line; age -d -i decrypts it", async () => {
    const ci = ageKeygen(keys, "ci.txt");
    const glass = ageKeygen(keys, "break-glass.txt");
    writeFileSync(
      join(repo, "emi.config.yaml"),
      `ageRecipients:\n  - ${ci.recipient}\n  - ${glass.recipient}\n`,
    );
    const result = await run(["encrypt", "--account", "1042"], { stdin: `${KEY}\n` });
    expect(result).toMatchObject({ code: 0, out: "apiKey: { secretRef: age:secrets/1042.age }\n" });
    expect(result.err).toContain("Wrote secrets/1042.age, encrypted to 2 recipients");
    const armored = readFileSync(join(repo, "secrets/1042.age"), "utf8");
    expect(armored.startsWith("-----BEGIN AGE ENCRYPTED FILE-----")).toBe(true);
    expect(armored).not.toContain(KEY);
    for (const who of [ci, glass]) {
      const plain = execFileSync("age", ["-d", "-i", who.file, join(repo, "secrets/1042.age")], {
        encoding: "utf8",
      });
      expect(plain).toBe(KEY);
    }
    expect(result.out + result.err).not.toContain(KEY);
  });

  it("keeps everything but one trailing newline", async () => {
    const ci = ageKeygen(keys, "ci.txt");
    await run(["encrypt", "--account", "7", "--recipient", ci.recipient], { stdin: `${KEY}\n\n` });
    const plain = execFileSync("age", ["-d", "-i", ci.file, join(repo, "secrets/7.age")], {
      encoding: "utf8",
    });
    expect(plain).toBe(`${KEY}\n`);
  });

  it("uses --recipient (repeatable) instead of the config, and refuses to overwrite without --force", async () => {
    const a = ageKeygen(keys, "a.txt");
    const b = ageKeygen(keys, "b.txt");
    const first = await run(
      ["encrypt", "--account", "1042", "--recipient", a.recipient, "--recipient", b.recipient],
      {
        stdin: KEY,
      },
    );
    expect(first.code).toBe(0);
    const again = await run(["encrypt", "--account", "1042", "--recipient", a.recipient], { stdin: "other" });
    expect(again.code).toBe(1);
    expect(again.err).toContain("secrets/1042.age exists already: pass --force");
    expect(
      execFileSync("age", ["-d", "-i", b.file, join(repo, "secrets/1042.age")], { encoding: "utf8" }),
    ).toBe(KEY);
    const forced = await run(["encrypt", "--account", "1042", "--recipient", a.recipient, "--force"], {
      stdin: "the-new-key-0123456789",
    });
    expect(forced.code).toBe(0);
    expect(
      execFileSync("age", ["-d", "-i", a.file, join(repo, "secrets/1042.age")], { encoding: "utf8" }),
    ).toBe("the-new-key-0123456789");
  });

  it("says clearly when there are no recipients, a bad recipient, or nothing on stdin", async () => {
    const none = await run(["encrypt", "--account", "1042"], { stdin: KEY });
    expect(none.code).toBe(1);
    expect(none.err).toContain("no recipients to encrypt to: add ageRecipients to emi.config.yaml");
    const bad = await run(["encrypt", "--account", "1042", "--recipient", "age1typo"], { stdin: KEY });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('"age1typo" (--recipient) is not an age public key');
    const ci = ageKeygen(keys, "ci.txt");
    for (const stdin of ["", "\n"]) {
      const empty = await run(["encrypt", "--account", "1042", "--recipient", ci.recipient], { stdin });
      expect(empty.code).toBe(1);
      expect(empty.err).toContain("no key on stdin");
    }
    writeFileSync(join(repo, "emi.config.yaml"), "ageRecipients: [ssh-ed25519]\n");
    const broken = await run(["encrypt", "--account", "1042"], { stdin: KEY });
    expect(broken.err).toContain("emi.config.yaml:1:17");
    expect(existsSync(join(repo, "secrets/1042.age"))).toBe(false);
    const account = await run(["encrypt", "--account", "abc"], { stdin: KEY });
    expect(account.code).toBe(2);
  });

  it("emi uses a key encrypted by age -r … -a", async () => {
    const ci = ageKeygen(keys, "ci.txt");
    mkdirSync(join(repo, "secrets"));
    writeFileSync(join(keys, "plain"), `${KEY}\n`);
    execFileSync("age", [
      "-r",
      ci.recipient,
      "-a",
      "-o",
      join(repo, "secrets/1042.age"),
      join(keys, "plain"),
    ]);
    const source = { cwd: repo, root: repo };
    expect(
      await readSecret("age:secrets/1042.age", { ...source, env: { EMI_AGE_IDENTITY: ci.identity } }),
    ).toEqual({
      ok: true,
      value: KEY,
    });
    expect(
      await readSecret("age:secrets/1042.age", { ...source, env: { EMI_AGE_IDENTITY_FILE: ci.file } }),
    ).toEqual({ ok: true, value: KEY });
  });

  it("rekey re-encrypts every secrets/*.age to the current recipients, with an identity", async () => {
    const old = await ageKeyPair();
    const added = ageKeygen(keys, "added.txt");
    mkdirSync(join(repo, "secrets"));
    writeFileSync(join(repo, "secrets/1042.age"), await encryptArmored(KEY, [old.recipient]));
    writeFileSync(
      join(repo, "secrets/1050.age"),
      await encryptArmored("second-key-0123456789", [old.recipient]),
    );
    writeFileSync(join(repo, "emi.config.yaml"), `ageRecipients: [${added.recipient}]\n`);

    const without = await run(["rekey"]);
    expect(without.code).toBe(1);
    expect(without.err).toContain("emi secret rekey needs an identity");

    const wrong = await ageKeyPair();
    const refused = await run(["rekey"], { env: { EMI_AGE_IDENTITY: wrong.identity } });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      "cannot decrypt secrets/1042.age with the identities in EMI_AGE_IDENTITY: nothing was rewritten",
    );
    expect(refused.err).not.toContain(wrong.identity);

    const result = await run(["rekey"], { env: { EMI_AGE_IDENTITY: old.identity } });
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toBe("Re-encrypted 2 files to 1 recipient: secrets/1042.age, secrets/1050.age\n");
    expect(
      execFileSync("age", ["-d", "-i", added.file, join(repo, "secrets/1042.age")], { encoding: "utf8" }),
    ).toBe(KEY);
    expect(
      execFileSync("age", ["-d", "-i", added.file, join(repo, "secrets/1050.age")], { encoding: "utf8" }),
    ).toBe("second-key-0123456789");
    // The old identity is no longer a recipient.
    expect(
      await readSecret("age:secrets/1042.age", {
        cwd: repo,
        root: repo,
        env: { EMI_AGE_IDENTITY: old.identity },
      }),
    ).toMatchObject({ ok: false, reason: "undecryptable" });
  });
});

describe("emi secret encrypt as a process", () => {
  it("reads the key piped on stdin", async () => {
    const repo = mkdtempSync(join(tmpdir(), "emi-secret-proc-"));
    try {
      const pair = await ageKeyPair();
      const bin = join(import.meta.dirname, "../../bin/emi.js");
      const out = execFileSync(
        process.execPath,
        [bin, "secret", "encrypt", "--account", "1042", "--recipient", pair.recipient],
        { cwd: repo, input: `${KEY}\n`, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] },
      );
      expect(out).toBe("apiKey: { secretRef: age:secrets/1042.age }\n");
      const reading = await readSecret("age:secrets/1042.age", {
        cwd: repo,
        root: repo,
        env: { EMI_AGE_IDENTITY: pair.identity },
      });
      expect(reading).toEqual({ ok: true, value: KEY });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe("emi secret encrypt on a terminal", () => {
  it("asks for the key and does not echo it (a real pseudo-terminal, through script(1))", async () => {
    const repo = mkdtempSync(join(tmpdir(), "emi-secret-tty-"));
    try {
      const pair = await ageKeyPair();
      const bin = join(import.meta.dirname, "../../bin/emi.js");
      const command = `${process.execPath} ${bin} secret encrypt --account 1042 --recipient ${pair.recipient}`;
      const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: repo });
      let shown = "";
      let typed = false;
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      child.stdout.on("data", (chunk: Buffer) => {
        shown += chunk.toString("utf8");
        // Type only once emi asks: the terminal is in raw mode by then.
        if (!typed && shown.includes("(not shown): ")) {
          typed = true;
          child.stdin.write(`${KEY}\r`);
        }
      });
      expect(await exited).toBe(0);
      expect(shown).toContain("Actito API key for account 1042 (not shown): ");
      expect(shown).toContain("apiKey: { secretRef: age:secrets/1042.age }");
      expect(shown).not.toContain(KEY);
      expect(shown).not.toContain(KEY.slice(0, 8));
      const reading = await readSecret("age:secrets/1042.age", {
        cwd: repo,
        root: repo,
        env: { EMI_AGE_IDENTITY: pair.identity },
      });
      expect(reading).toEqual({ ok: true, value: KEY });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 60_000);
});
