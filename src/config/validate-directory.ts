import { open } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import { listDeclarationFiles } from "./list-declaration-files.ts";
import { maxDeclarationBytes } from "./parse-declaration.ts";
import { type DeclarationSource, validateDeclarations } from "./validate-declarations.ts";

export interface ValidationResult {
  /** How many declaration files were read. */
  files: number;
  /** The files that passed every check, typed and normalised, in stable (file name) order. */
  declared: Declared[];
  /** Every problem found, in file then position order. */
  diagnostics: Diagnostic[];
}

async function readDeclaration(path: string, file: string): Promise<DeclarationSource> {
  const handle = await open(path, "r");
  try {
    // A huge file is reported from its size, without reading it into memory.
    const { size } = await handle.stat();
    if (size > maxDeclarationBytes) return { file, bytes: new Uint8Array(0), size };
    return { file, bytes: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/**
 * Loads every `*.yaml`/`*.yml` under `dir` (relative to `options.cwd`) and validates them: YAML,
 * schema, then the cross-file rules. File names in the result are relative to `cwd`.
 * @throws DirectoryNotFoundError when `dir` does not exist (a usage error: exit 2).
 */
export async function validateDirectory(dir: string, options: { cwd: string }): Promise<ValidationResult> {
  const paths = await listDeclarationFiles(resolve(options.cwd, dir), dir);
  const sources: DeclarationSource[] = await Promise.all(
    paths.map((path) => readDeclaration(path, relative(options.cwd, path).split(sep).join("/"))),
  );
  return validateDeclarations(sources);
}
