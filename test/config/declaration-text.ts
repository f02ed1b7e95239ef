import type { ValidationResult } from "../../src/config/validate-directory.ts";
import { validateDeclarations } from "../../src/config/validate-declarations.ts";

/** A valid declaration's YAML for `account`, with a few lines replaceable for a test. */
export function declarationText(
  account: number,
  options: { entity?: string; table?: string | null; sisters?: number[]; extra?: string } = {},
): string {
  const lines = [
    `account: ${account}`,
    "provider: actito",
    "actito:",
    "  endpoint: api3",
    `  entity: ${options.entity ?? `shop${account}`}`,
    `  email: crm@shop${account}.example`,
    `  apiKey: { secretRef: env:ACTITO_KEY_${account} }`,
    ...(options.table === null ? [] : [`  profileTable: ${options.table ?? "customers"}`]),
  ];
  if (options.sisters) lines.push("sisterAccounts:", ...options.sisters.map((s) => `  - ${s}`));
  if (options.extra) lines.push(options.extra);
  return `${lines.join("\n")}\n`;
}

/** Validates in-memory files, given as name → YAML text, in the order given. */
export function validateTexts(files: Record<string, string | Uint8Array>): ValidationResult {
  return validateDeclarations(
    Object.entries(files).map(([file, text]) => ({
      file,
      bytes: typeof text === "string" ? new TextEncoder().encode(text) : text,
    })),
  );
}

/** The diagnostics of a result reduced to what most tests assert. */
export function where(result: ValidationResult): Array<[string, number, number, string]> {
  return result.diagnostics.map((d) => [d.file, d.line, d.column, d.code]);
}
