import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import { listDeclarationFiles } from "./list-declaration-files.ts";
import { type LoadedRepoConfig, loadRepoConfig, repoRootOf } from "./load-repo-config.ts";
import { maxDeclarationBytes } from "./parse-declaration.ts";
import type { SecretPathFacts } from "./rules/rule.ts";
import { confinedPath, inspectAgeFile, realPathInside, secretPathOf } from "./secret-path.ts";
import { DeclarationValidator } from "./validate-declarations.ts";

export interface ValidationResult {
  /** How many declaration files were read. */
  files: number;
  /** The files that passed every check, typed and normalised, in stable (file name) order. */
  declared: Declared[];
  /** Every problem found, in file then position order. */
  diagnostics: Diagnostic[];
  /** The repository config (emi.config.yaml at the parent of the folder); absent for in-memory validation. */
  repository?: LoadedRepoConfig;
}

/**
 * Loads every `*.yaml`/`*.yml` under `dir` (relative to `options.cwd`) and validates them: YAML,
 * schema, then the cross-file rules. File names in the result are relative to `cwd`.
 * @throws DirectoryNotFoundError when `dir` does not exist (a usage error: exit 2).
 */
export async function validateDirectory(dir: string, options: { cwd: string }): Promise<ValidationResult> {
  const root = resolve(options.cwd, dir);
  const files = await listDeclarationFiles(root, dir);
  const prefix = relative(options.cwd, root).split(sep).join("/");
  const validator = new DeclarationValidator();
  // One buffer for every file, one byte larger than the limit so that an over-large file shows.
  // Synchronous on purpose: for thousands of small files, promise-based reads cost several times
  // more (a thread-pool round trip per open, read and close), and a Buffer per file burdens the GC.
  const buffer = Buffer.allocUnsafe(maxDeclarationBytes + 1);
  for (const { path, key } of files) {
    const fd = openSync(path, "r");
    let length = 0;
    try {
      let read: number;
      do {
        read = readSync(fd, buffer, length, buffer.length - length, null);
        length += read;
      } while (read > 0 && length < buffer.length);
      if (length > maxDeclarationBytes) length = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    const file = prefix === "" ? key : `${prefix}/${key}`;
    if (length > maxDeclarationBytes) validator.add(file, new Uint8Array(0), length);
    else validator.add(file, buffer.subarray(0, length));
  }
  const repository = await loadRepoConfig(repoRootOf(dir, options.cwd), { cwd: options.cwd });
  const paths = new Map<string, SecretPathFacts>();
  for (const ref of validator.secretRefs()) {
    const target = secretPathOf(ref);
    const full = target && confinedPath(target.path, repository.root);
    if (!target || !full) continue;
    const facts: SecretPathFacts = { realPathInside: await realPathInside(full, repository.root) };
    if (target.scheme === "age" && facts.realPathInside) facts.age = await inspectAgeFile(full);
    paths.set(ref, facts);
  }
  const result = validator.finish(undefined, {
    envAllowList: repository.config.secretEnvAllowList,
    root: repository.root,
    paths,
  });
  // A broken emi.config.yaml comes first: every other check depends on it.
  return { ...result, diagnostics: [...repository.diagnostics, ...result.diagnostics], repository };
}
