import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { listDeclarationFiles } from "./list-declaration-files.ts";
import { maxDeclarationBytes } from "./parse-declaration.ts";
import { DeclarationValidator } from "./validate-declarations.ts";
import type { ValidationResult } from "./validation-result.ts";

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
  return validator.finish();
}
