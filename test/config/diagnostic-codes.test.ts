import { describe, expect, it } from "vitest";
import { diagnosticCodes } from "../../src/config/diagnostic-codes.ts";
import { declarationRules } from "../../src/config/rules/declaration-rules.ts";
import { PLAN_PROBLEM_CODES, VALIDATION_CODES } from "../../src/types/diagnostic-code.ts";

describe("diagnostic codes", () => {
  it("gives every validation code a summary, and summarises no code outside the vocabulary", () => {
    const summarised = Object.keys(diagnosticCodes).sort();
    expect(summarised).toEqual([...VALIDATION_CODES].sort());
    for (const code of VALIDATION_CODES) expect(diagnosticCodes[code], code).toMatch(/\.$/);
  });

  it("keeps one vocabulary: every rule's code is in it, and no code is both a validation and a plan code", () => {
    for (const rule of declarationRules) expect(VALIDATION_CODES).toContain(rule.code);
    expect(VALIDATION_CODES.filter((c) => (PLAN_PROBLEM_CODES as readonly string[]).includes(c))).toEqual([]);
    expect(new Set([...VALIDATION_CODES, ...PLAN_PROBLEM_CODES]).size).toBe(
      VALIDATION_CODES.length + PLAN_PROBLEM_CODES.length,
    );
  });
});
