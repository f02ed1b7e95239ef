import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import type { CliIO } from "../../src/cli/io.ts";

/** An in-memory CliIO: captures output; `tty` decides whether stdout looks like a terminal. */
function captureIO(cwd: string, tty = false): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty },
    stderr: { write: (s: string) => (err += s) },
    env: { NO_COLOR: "1" },
    cwd,
    out: () => out,
    err: () => err,
  };
}

const fixtures = new URL("../fixtures/validate/", import.meta.url).pathname;
const invalid = `${fixtures}invalid`;
const valid = `${fixtures}valid`;
const secret = "TGl0ZXJhbEFjdGl0b0tleTEyMzQ1Njc4OTBhYmNkZWY";

async function validate(cwd: string, args: string[] = [], tty = false) {
  const io = captureIO(cwd, tty);
  const code = await main(["node", "emi", "validate", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** Compares with a golden file; `EMI_UPDATE_GOLDEN=1` rewrites it after an intended change. */
function expectGolden(actual: string, name: string): void {
  const path = `${fixtures}${name}`;
  if (process.env.EMI_UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("emi validate", () => {
  it("prints diagnostics with excerpts and carets and a summary when stdout is a terminal", async () => {
    const { code, out } = await validate(invalid, [], true);
    expect(code).toBe(1);
    expectGolden(out, "invalid.text.txt");
    expect(out).toContain("4 errors in 4 of 5 files.");
  });

  it("prints one line per diagnostic without excerpts when stdout is not a terminal", async () => {
    const { out } = await validate(invalid);
    expect(out.split("\n").filter((l) => l.includes("  error  "))).toHaveLength(4);
    expect(out).not.toContain(" | ");
  });

  it("colours the output on a terminal unless NO_COLOR is set", async () => {
    const io = captureIO(invalid, true);
    io.env = {};
    await main(["node", "emi", "validate"], io);
    expect(io.out()).toContain("\u001b[31m");
  });

  it("writes SARIF 2.1.0 that the official schema accepts", async () => {
    const { code, out } = await validate(invalid, ["--format", "sarif"]);
    expect(code).toBe(1);
    expectGolden(out, "invalid.sarif.json");
    // The official SARIF 2.1.0 schema from the OASIS SARIF repository (sarif-2.1/schema/).
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, "../fixtures/reference/sarif-schema-2.1.0.json"), "utf8"),
    );
    // SARIF's schema is draft-04, which needs ajv's draft-04 build (CommonJS).
    const AjvDraft04 = (createRequire(import.meta.url)("ajv-draft-04") as typeof import("ajv-draft-04"))
      .default;
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    const check = ajv.compile(schema);
    expect(check(JSON.parse(out)), JSON.stringify(check.errors)).toBe(true);
    // The check has teeth: a log with a wrong version or level is refused.
    expect(check({ ...JSON.parse(out), version: "2.0.0" })).toBe(false);
    expect(check(JSON.parse(out.replace('"level": "error"', '"level": "fatal"')))).toBe(false);
  });

  it("writes { valid, files, diagnostics } as JSON", async () => {
    const { code, out } = await validate(invalid, ["--format", "json"]);
    expect(code).toBe(1);
    const parsed = JSON.parse(out);
    expect(parsed.valid).toBe(false);
    expect(parsed.files).toBe(5);
    expect(parsed.diagnostics[0]).toEqual({
      file: "integrations/1043.yaml",
      line: 4,
      column: 3,
      endLine: 4,
      endColumn: 10,
      code: "unknown-key",
      severity: "error",
      message: '"endpont" is not a field of actito; did you mean "endpoint"?',
      path: "/actito/endpont",
    });
    const ok = JSON.parse((await validate(valid, ["--format", "json"])).out);
    expect(ok).toEqual({ formatVersion: 1, valid: true, files: 2, diagnostics: [] });
  });

  it("writes GitHub workflow commands", async () => {
    const { out } = await validate(invalid, ["--format", "github"]);
    expect(out.split("\n")[0]).toBe(
      '::error file=integrations/1043.yaml,line=4,col=3,endLine=4,endColumn=10,title=unknown-key::"endpont" is not a field of actito; did you mean "endpoint"?',
    );
  });

  it("never prints the literal secret, in any format", async () => {
    for (const format of ["text", "json", "github", "sarif"]) {
      for (const tty of [false, true]) {
        const { out, err } = await validate(invalid, ["--format", format], tty);
        expect(out + err).not.toContain(secret);
        expect(out + err).not.toContain(secret.slice(0, 12));
      }
    }
  });

  it("exits 0 when every declaration is valid", async () => {
    const { code, out } = await validate(valid);
    expect(code).toBe(0);
    expect(out).toBe("No problems in 2 files.\n");
  });

  it("exits 2 with a message when the folder does not exist", async () => {
    const { code, err, out } = await validate(valid, ["--dir", "missing"]);
    expect(code).toBe(2);
    expect(err).toContain('the declarations folder "missing" does not exist');
    expect(out).toBe("");
  });

  it("exits 2 when the format is not one it knows", async () => {
    const { code, err } = await validate(valid, ["--format", "xml"]);
    expect(code).toBe(2);
    expect(err).toContain("xml");
  });
});
