import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { diagnosticCodes } from "../../src/config/diagnostic-codes.ts";
import { diagnosticFixes, planProblemSummaries } from "../../src/config/diagnostic-fixes.ts";
import { PLAN_PROBLEM_CODES, VALIDATION_CODES } from "../../src/types/diagnostic-code.ts";

const run = promisify(execFile);
const read = (page: string) => readFile(new URL(`../../docs/reference/${page}`, import.meta.url), "utf8");

describe("docs/reference/", () => {
  it("documents every diagnostic code emi can emit, with its meaning and a fix", async () => {
    const page = await read("diagnostics.md");
    for (const code of [...VALIDATION_CODES, ...PLAN_PROBLEM_CODES]) {
      const row = page.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `docs/reference/diagnostics.md lacks ${code}`).toBeDefined();
      const [, , meaning, fix] = row!.split(" | ");
      expect(meaning?.trim(), `${code}: meaning`).not.toBe("");
      expect(fix?.replace(/\|$/, "").trim(), `${code}: fix`).not.toBe("");
    }
    for (const code of VALIDATION_CODES) expect(diagnosticCodes[code], code).toBeDefined();
    for (const code of PLAN_PROBLEM_CODES) expect(planProblemSummaries[code], code).toMatch(/\.$/);
    expect(Object.keys(diagnosticFixes).sort()).toEqual([...VALIDATION_CODES, ...PLAN_PROBLEM_CODES].sort());
  });

  it("lists every field of both schemas and every command", async () => {
    const declaration = await read("declaration.md");
    for (const field of ["account", "actito.apiKey.secretRef", "actito.adoptExistingReaids", "realtime"]) {
      expect(declaration).toContain(`| \`${field}\` |`);
    }
    const config = await read("config.md");
    for (const field of ["ageRecipients", "secretEnvAllowList"]) expect(config).toContain(`| \`${field}\` |`);
    const commands = await read("commands.md");
    for (const command of ["emi validate", "emi plan", "emi apply [plan]", "emi sandbox", "emi state show"]) {
      expect(commands).toContain(`## \`${command}`);
    }
    expect(commands).toContain("`--print-seed`");
  });

  it("is up to date with the code (npm run docs:generate)", async () => {
    const result = await run("npx", ["tsx", "scripts/generate-reference.ts", "--check"], {
      cwd: new URL("../..", import.meta.url).pathname,
    }).catch((error: { stderr: string; code: number }) => error);
    expect("stderr" in result ? result.stderr : "").toBe("");
  }, 60_000);
});
