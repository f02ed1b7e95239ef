import { readFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../types/diagnostic.ts";
import { diagnosticAt } from "./locate-diagnostic.ts";
import { parseDeclaration } from "./parse-declaration.ts";
import { repoConfigValidator } from "./repo-config-schema.ts";
import { childPointer } from "./source-positions.ts";
import type { ValidationCode } from "../types/diagnostic-code.ts";

/** The name of the repository config file, at the declarations repository's root. */
const repoConfigFileName = "emi.config.yaml";

/** The declarations repository's settings (schemas/emi-config.schema.json), defaults filled in. */
interface RepoConfig {
  /** age public keys that `emi secret encrypt` and `rekey` encrypt API keys to. */
  ageRecipients: string[];
  /** Names or `*` patterns of the variables `secretRef: env:NAME` may read. */
  secretEnvAllowList: string[];
}

const defaultRepoConfig: Readonly<RepoConfig> = Object.freeze({
  ageRecipients: [],
  secretEnvAllowList: ["ACTITO_*"],
});

/** A loaded repository config: where it is, what it says, and what is wrong with it. */
export interface LoadedRepoConfig {
  /** The repository root (absolute): `file:` and `age:` paths are resolved against it. */
  root: string;
  /** The config file as shown in diagnostics (relative to the working directory). */
  file: string;
  /** False when there is no emi.config.yaml (the defaults apply). */
  exists: boolean;
  /** The settings; the defaults for a missing file and for fields with errors. */
  config: RepoConfig;
  diagnostics: Diagnostic[];
}

/** The declarations repository's root: the parent of the declarations folder (`--dir`). */
export function repoRootOf(dir: string, cwd: string): string {
  return dirname(resolve(cwd, dir));
}

/**
 * Reads `emi.config.yaml` at `root`. A missing file means the defaults; a broken one gives
 * diagnostics with file, line and column, as declarations do, and the defaults for what is wrong.
 * @param options.cwd what file names in diagnostics are relative to (default `root`).
 */
export async function loadRepoConfig(
  root: string,
  options: { cwd?: string } = {},
): Promise<LoadedRepoConfig> {
  const absoluteRoot = resolve(root);
  const path = resolve(absoluteRoot, repoConfigFileName);
  const shown = relative(options.cwd ?? absoluteRoot, path)
    .split(sep)
    .join("/");
  const base = { root: absoluteRoot, file: shown, config: { ...copyDefaults() } };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ...base, exists: false, diagnostics: [] };
    return {
      ...base,
      exists: true,
      diagnostics: [
        fileProblem(shown, `cannot read ${shown} (${code ?? "read failed"}): check its permissions`),
      ],
    };
  }
  const parsed = parseDeclaration(shown, bytes);
  // An empty file (or only comments) is a config with every default.
  const diagnostics = parsed.diagnostics
    .filter((d) => d.code !== "empty-file")
    .map((d) =>
      d.code === "not-a-map"
        ? { ...d, message: `${shown} is a map of settings such as \`ageRecipients: [age1…]\`` }
        : d,
    );
  if (!parsed.value) return { ...base, exists: true, diagnostics };
  const value = parsed.value;
  const validate = repoConfigValidator();
  if (!validate(value)) {
    for (const error of validate.errors ?? []) {
      const pointer =
        error.keyword === "additionalProperties"
          ? childPointer(error.instancePath, String(error.params.additionalProperty))
          : error.instancePath;
      diagnostics.push(
        diagnosticAt(parsed, pointer, error.keyword === "additionalProperties" ? "key" : "value", {
          code: schemaCode(error.keyword),
          message: schemaMessage(error.keyword, pointer, error.message ?? "is not valid"),
        }),
      );
    }
  }
  const config = base.config;
  const bad = new Set(diagnostics.map((d) => d.path.split("/")[1]));
  if (Array.isArray(value.ageRecipients) && !bad.has("ageRecipients")) {
    config.ageRecipients = value.ageRecipients as string[];
    diagnostics.push(...(await invalidRecipients(parsed, config.ageRecipients)));
  }
  if (Array.isArray(value.secretEnvAllowList) && !bad.has("secretEnvAllowList")) {
    config.secretEnvAllowList = value.secretEnvAllowList as string[];
  }
  return { ...base, exists: true, config, diagnostics };
}

function copyDefaults(): RepoConfig {
  return {
    ageRecipients: [...defaultRepoConfig.ageRecipients],
    secretEnvAllowList: [...defaultRepoConfig.secretEnvAllowList],
  };
}

function fileProblem(file: string, message: string): Diagnostic {
  return { file, line: 1, column: 1, code: "config-unreadable", severity: "error", message, path: "" };
}

function schemaCode(keyword: string): ValidationCode {
  if (keyword === "additionalProperties") return "unknown-key";
  if (keyword === "type") return "wrong-type";
  if (keyword === "uniqueItems") return "duplicate-item";
  return "invalid-value";
}

function schemaMessage(keyword: string, pointer: string, ajvMessage: string): string {
  const field = pointer.split("/")[1] ?? "";
  if (keyword === "additionalProperties") {
    return `unknown setting ${pointer.slice(1)}: emi.config.yaml knows ageRecipients and secretEnvAllowList`;
  }
  if (field === "ageRecipients") {
    return keyword === "type"
      ? "ageRecipients is a list of age public keys, e.g. [age1…]"
      : "each ageRecipients item is an age public key as printed by age-keygen -y (age1 followed by letters and digits)";
  }
  if (field === "secretEnvAllowList") {
    return keyword === "type"
      ? 'secretEnvAllowList is a list of variable names or patterns, e.g. ["ACTITO_*"]'
      : "each secretEnvAllowList item is a variable name or a pattern of letters, digits, _ and *, e.g. ACTITO_*";
  }
  return pointer === "" ? `emi.config.yaml ${ajvMessage}` : `${pointer.slice(1)} ${ajvMessage}`;
}

/** Recipients the age library refuses (a typo in the bech32 text), at their place in the file. */
async function invalidRecipients(
  parsed: ReturnType<typeof parseDeclaration>,
  recipients: readonly string[],
): Promise<Diagnostic[]> {
  if (recipients.length === 0) return [];
  const { Encrypter } = await import("age-encryption");
  const problems: Diagnostic[] = [];
  for (const [i, recipient] of recipients.entries()) {
    try {
      new Encrypter().addRecipient(recipient);
    } catch {
      problems.push(
        diagnosticAt(parsed, `/ageRecipients/${i}`, "value", {
          code: "invalid-value",
          message: "this is not a valid age public key (check it was copied whole from age-keygen -y)",
        }),
      );
    }
  }
  return problems;
}

/** True when `name` matches one of the allow-list's names or `*` patterns. */
export function envNameAllowed(name: string, allowList: readonly string[]): boolean {
  return allowList.some((pattern) => patternRegExp(pattern).test(name));
}

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[A-Za-z0-9_]*");
  return new RegExp(`^${escaped}$`);
}
