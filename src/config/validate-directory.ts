import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { type DeclarationEntry, listDeclarationFiles } from "./list-declaration-files.ts";
import { loadRepoConfig, repoRootOf } from "./load-repo-config.ts";
import { maxDeclarationBytes } from "./parse-declaration.ts";
import type { SecretPathFacts } from "./rules/rule.ts";
import { confinedPath, inspectAgeFile, realPathInside, secretPathOf } from "./secret-path.ts";
import { DeclarationValidator } from "./validate-declarations.ts";
import type { ValidationResult } from "./validation-result.ts";
import type { ValidationCode } from "../types/diagnostic-code.ts";

export type { ValidationResult } from "./validation-result.ts";

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
  for (const entry of files) {
    const file = prefix === "" ? entry.key : `${prefix}/${entry.key}`;
    const problem = unreadable(entry);
    if (problem) {
      validator.addUnreadable(file, problem.code, problem.message);
      continue;
    }
    let length = 0;
    try {
      const fd = openSync(entry.path, "r");
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
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      validator.addUnreadable(
        file,
        "unreadable-file",
        `the file cannot be read (${code}): ${readHint(code)}`,
      );
      continue;
    }
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

function readHint(code: string, what: "file" | "folder" = "file"): string {
  if (code === "EACCES" || code === "EPERM")
    return `check the ${what}'s permissions for the user that runs emi`;
  if (code === "EISDIR") return "a folder is named like a declaration; rename it";
  return "check the file and the disk it is on";
}

/** Entries that are not read at all, as an error each. */
function unreadable(entry: DeclarationEntry): { code: ValidationCode; message: string } | undefined {
  switch (entry.kind) {
    case "symlink":
      return {
        code: "symlinked-declaration",
        message:
          "this is a symbolic link, which emi does not follow (it could point outside the repository); put the file or folder itself here",
      };
    case "not-a-file":
      return {
        code: "unreadable-file",
        message: "this is not a regular file (a device, socket or pipe); a declaration is a YAML file",
      };
    case "unreadable-folder":
      return {
        code: "unreadable-folder",
        message: `the folder cannot be listed (${entry.errorCode}): ${readHint(entry.errorCode ?? "", "folder")}, or point --dir at the declarations folder`,
      };
    default:
      return undefined;
  }
}
