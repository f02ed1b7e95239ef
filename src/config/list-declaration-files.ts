import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { DirectoryNotFoundError } from "./directory-not-found-error.ts";

/**
 * Every `*.yaml` and `*.yml` file under `dir` (sub-folders included): its absolute `path` and its
 * `key`, the path relative to `dir` with forward slashes. In a stable order: by key, compared code
 * unit by code unit (locale-independent).
 * @param shownAs how the folder is named in the error, e.g. as the user typed it.
 * @throws DirectoryNotFoundError when `dir` is missing or not a folder.
 */
export async function listDeclarationFiles(
  dir: string,
  shownAs = dir,
): Promise<Array<{ path: string; key: string }>> {
  const info = await stat(dir).catch((cause: unknown) => {
    throw new DirectoryNotFoundError(shownAs, { cause });
  });
  if (!info.isDirectory()) throw new DirectoryNotFoundError(shownAs);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, key: relative(dir, path).split(sep).join("/") };
    });
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
