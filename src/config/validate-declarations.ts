import { createHash } from "node:crypto";
import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import type { ValidationCode } from "../types/diagnostic-code.ts";
import type { Integration } from "../types/integration.ts";
import { findDuplicateDeclarationFiles } from "./find-duplicate-declaration-files.ts";
import { diagnosticAt } from "./locate-diagnostic.ts";
import { normaliseIntegration } from "./normalise-integration.ts";
import { type ParsedDeclaration, parseDeclaration } from "./parse-declaration.ts";
import { declarationRules } from "./rules/declaration-rules.ts";
import type { CheckedDeclaration, Rule, RuleContext, SecretRefFacts } from "./rules/rule.ts";
import { salvageIntegration } from "./salvage-integration.ts";
import { schemaDiagnostics } from "./schema-diagnostics.ts";
import type { ValidationResult } from "./validation-result.ts";

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
 * Validation in two steps, so that a caller can feed files one at a time without keeping their
 * bytes (the directory loader reuses one buffer for all files): `add` parses a file and checks it
 * against the schema, `finish` runs the cross-file rules and returns the result.
 */
export class DeclarationValidator {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly documents: ParsedDeclaration[] = [];
  private readonly declarations: CheckedDeclaration[] = [];
  private readonly hashes = new Map<string, string>();
  private readonly fileOrder = new Map<string, number>();

  /** Adds one file, in the order diagnostics should appear. `size` as for {@link parseDeclaration}. */
  add(file: string, bytes: Uint8Array, size?: number): void {
    this.fileOrder.set(file, this.fileOrder.size);
    this.hashes.set(file, `sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    const parsed = parseDeclaration(file, bytes, size);
    if (parsed.diagnostics.length > 0) this.diagnostics.push(...parsed.diagnostics);
    if (!parsed.value) return;
    this.documents.push(parsed);
    const schemaProblems = schemaDiagnostics(parsed, parsed.value);
    if (schemaProblems.length > 0) {
      this.diagnostics.push(...schemaProblems);
      // The cross-file rules still run on what is readable; the file stays out of `declared`.
      const salvaged = salvageIntegration(parsed.value);
      if (salvaged) this.declarations.push({ source: parsed, integration: salvaged });
      return;
    }
    this.declarations.push({
      source: parsed,
      integration: normaliseIntegration(parsed.value as unknown as Integration),
    });
  }

  /**
   * Records a file that could not be read as a declaration (a symbolic link, an unreadable file):
   * an error at its first line, so that nothing is planned from an incomplete set of files (a
   * file left out would read as a removed declaration, i.e. a deactivation).
   */
  addUnreadable(file: string, code: ValidationCode, message: string): void {
    this.fileOrder.set(file, this.fileOrder.size);
    this.diagnostics.push({ file, line: 1, column: 1, code, severity: "error", message, path: "" });
  }

  /** Every `secretRef` written in the files added so far (for the edge to look up on disk). */
  secretRefs(): string[] {
    const refs = new Set<string>();
    for (const { value } of this.documents) {
      const actito = value?.actito as { apiKey?: { secretRef?: unknown } } | undefined;
      const ref = actito?.apiKey?.secretRef;
      if (typeof ref === "string") refs.add(ref);
    }
    return [...refs];
  }

  /**
   * Runs the cross-file rules over everything added and returns the result. `secrets` holds what
   * the edge learned about secret references (allow-list, repository root, files on disk).
   */
  finish(rules: readonly Rule[] = declarationRules, secrets?: SecretRefFacts): ValidationResult {
    const { diagnostics } = this;
    const duplicates = findDuplicateDeclarationFiles(this.fileOrder.keys());
    for (const [file, earlier] of duplicates) {
      diagnostics.push({
        file,
        line: 1,
        column: 1,
        code: "duplicate-declaration-file",
        severity: "error",
        message: `${earlier} already declares this account: keep one of the two files (delete ${file})`,
        path: "",
      });
    }
    const declarations = this.declarations.filter(({ source }) => !duplicates.has(source.file));
    const context: RuleContext = {
      documents: this.documents,
      declarations,
      ...(secrets ? { secrets } : {}),
      report: (source, pointer, target, draft) =>
        diagnostics.push(diagnosticAt(source, pointer, target, draft)),
    };
    for (const rule of rules) rule.check(context);
    // The duplicate file is to be deleted: its own problems would only distract.
    const relevant = diagnostics.filter(
      (d) => !duplicates.has(d.file) || d.code === "duplicate-declaration-file",
    );
    const sorted = withoutNoiseUnderSecrets(relevant).sort(byPosition(this.fileOrder));
    const failed = new Set(sorted.filter((d) => d.severity === "error").map((d) => d.file));
    const declared: Declared[] = declarations
      .filter(({ source }) => !failed.has(source.file))
      .map(({ source, integration }) => ({
        file: source.file,
        contentHash: this.hashes.get(source.file)!,
        integration,
      }));
    return { files: this.fileOrder.size, declared, diagnostics: sorted };
  }
}

/**
 * Validates declarations already read into memory: parse, schema, then the cross-file rules.
 * Pure apart from hashing; `sources` must be in the order their diagnostics should appear.
 */
export function validateDeclarations(
  sources: readonly DeclarationSource[],
  rules: readonly Rule[] = declarationRules,
): ValidationResult {
  const validator = new DeclarationValidator();
  for (const { file, bytes, size } of sources) validator.add(file, bytes, size);
  return validator.finish(rules);
}
