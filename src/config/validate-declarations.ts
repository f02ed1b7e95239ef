import { createHash } from "node:crypto";
import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import type { Integration } from "../types/integration.ts";
import { diagnosticAt } from "./locate-diagnostic.ts";
import { normaliseIntegration } from "./normalise-integration.ts";
import { type ParsedDeclaration, parseDeclaration } from "./parse-declaration.ts";
import { declarationRules } from "./rules/declaration-rules.ts";
import type { CheckedDeclaration, Rule, RuleContext } from "./rules/rule.ts";
import { schemaDiagnostics } from "./schema-diagnostics.ts";
import type { ValidationResult } from "./validate-directory.ts";

/** One declaration file's name (relative to the working directory, forward slashes) and bytes. */
export interface DeclarationSource {
  file: string;
  bytes: Uint8Array;
  /** The file's size when `bytes` were not read because the file is too large. */
  size?: number;
}

/** Orders diagnostics by file (in the given file order), then line, then column. */
function byPosition(fileOrder: Map<string, number>) {
  return (a: Diagnostic, b: Diagnostic) =>
    (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line || a.column - b.column;
}

/** A literal secret is the real problem at its place: schema complaints about the same value only add noise. */
function withoutNoiseUnderSecrets(diagnostics: Diagnostic[]): Diagnostic[] {
  const secrets = diagnostics.filter((d) => d.code === "literal-secret");
  return diagnostics.filter(
    (d) =>
      d.code === "literal-secret" ||
      !secrets.some((s) => s.file === d.file && (d.path === s.path || d.path.startsWith(`${s.path}/`))),
  );
}

/**
 * Validates declarations already read into memory: parse, schema, then the cross-file rules.
 * Pure apart from hashing; `sources` must be in the order their diagnostics should appear.
 */
export function validateDeclarations(
  sources: readonly DeclarationSource[],
  rules: readonly Rule[] = declarationRules,
): ValidationResult {
  const diagnostics: Diagnostic[] = [];
  const documents: ParsedDeclaration[] = [];
  const declarations: CheckedDeclaration[] = [];
  const hashes = new Map<string, string>();
  for (const { file, bytes, size } of sources) {
    hashes.set(file, `sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    const parsed = parseDeclaration(file, bytes, size);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.value) continue;
    documents.push(parsed);
    const schemaProblems = schemaDiagnostics(parsed, parsed.value);
    diagnostics.push(...schemaProblems);
    if (schemaProblems.length === 0) {
      declarations.push({
        source: parsed,
        integration: normaliseIntegration(parsed.value as unknown as Integration),
      });
    }
  }
  const context: RuleContext = {
    documents,
    declarations,
    report: (source, pointer, target, draft) =>
      diagnostics.push(diagnosticAt(source, pointer, target, draft)),
  };
  for (const rule of rules) rule.check(context);

  const fileOrder = new Map(sources.map(({ file }, i) => [file, i]));
  const sorted = withoutNoiseUnderSecrets(diagnostics).sort(byPosition(fileOrder));
  const failed = new Set(sorted.filter((d) => d.severity === "error").map((d) => d.file));
  const declared: Declared[] = declarations
    .filter(({ source }) => !failed.has(source.file))
    .map(({ source, integration }) => ({
      file: source.file,
      contentHash: hashes.get(source.file)!,
      integration,
    }));
  return { files: sources.length, declared, diagnostics: sorted };
}
