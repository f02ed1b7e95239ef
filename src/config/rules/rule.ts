import type { DesiredIntegration } from "../../types/declared.ts";
import type { ValidationCode } from "../../types/diagnostic-code.ts";
import type { DiagnosticDraft } from "../locate-diagnostic.ts";
import type { ParsedDeclaration } from "../parse-declaration.ts";
import { lineColumnAt } from "../source-positions.ts";

/** A declaration that passed the schema: its source and its normalised integration. */
export interface CheckedDeclaration {
  source: ParsedDeclaration;
  integration: DesiredIntegration;
}

/** What a rule sees: every file, and the ones valid against the schema; and where it reports. */
export interface RuleContext {
  /** Every file that parsed as a YAML map, valid against the schema or not, in file order. */
  documents: readonly ParsedDeclaration[];
  /** The files valid against the schema, plus the readable parts (account, sisters, entity, table) of those that are not, in file order. */
  declarations: readonly CheckedDeclaration[];
  /** What the secret-reference rules check against; without it they check only what the text says. */
  secrets?: SecretRefFacts;
  /** Reports a problem at the key or value that the JSON pointer names in `source`. */
  report(source: ParsedDeclaration, pointer: string, target: "key" | "value", draft: DiagnosticDraft): void;
}

/** What the repository allows and what the disk says about `file:` and `age:` paths (read at the edge). */
export interface SecretRefFacts {
  /** Names or `*` patterns that `env:NAME` may use (emi.config.yaml `secretEnvAllowList`). */
  envAllowList: readonly string[];
  /** The repository root (absolute); paths are relative to it. */
  root?: string;
  /** By reference as written (`age:secrets/1042.age`): what the disk says. */
  paths: ReadonlyMap<string, SecretPathFacts>;
}

/** One `file:` or `age:` path as found on disk. `age` is only looked at for `age:` references. */
export interface SecretPathFacts {
  /** False when the path leads outside the repository through a symbolic link. */
  realPathInside: boolean;
  age?: "missing" | "not-age" | "too-large" | "age";
}

/** A cross-file or whole-file check with a stable code. Adding a rule is adding one of these to the list. */
export interface Rule {
  code: ValidationCode;
  /** One line for people and for SARIF's rule description. */
  summary: string;
  check(ctx: RuleContext): void;
}

/** `integrations/1042.yaml:9`: where a value sits, for messages that point at another file. */
export function placeOf(source: ParsedDeclaration, pointer: string): string {
  const offset = source.positions.get(pointer)?.value[0] ?? 0;
  return `${source.file}:${lineColumnAt(source.lineStarts, offset).line}`;
}

/** The JSON pointer of a sister account in the file as written (sisters are sorted after normalising). */
export function sisterPointer(source: ParsedDeclaration, account: number): string {
  const written = source.value?.sisterAccounts;
  const index = Array.isArray(written) ? written.indexOf(account) : -1;
  return index === -1 ? "/sisterAccounts" : `/sisterAccounts/${index}`;
}
