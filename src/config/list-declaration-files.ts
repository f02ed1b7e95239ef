import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { EmiError } from "../types/errors.ts";
import { DirectoryNotFoundError } from "./directory-not-found-error.ts";

/**
 * One entry under the declarations folder that is, or should be, a declaration: a regular file
 * (`file`), a symbolic link or other non-regular entry named `*.yaml` / `*.yml` (never read: a link
 * could point anywhere, and skipping it would read as a removed declaration), or a sub-folder that
 * could not be listed (`unreadable-folder`, with the system's error code).
 */
export interface DeclarationEntry {
  path: string;
  /** The path relative to the folder, with forward slashes. */
  key: string;
  kind: "file" | "symlink" | "not-a-file" | "unreadable-folder";
  /** For `unreadable-folder`: EACCES, EPERM, … */
  errorCode?: string;
}

/** A declarations folder holds thousands of files, not a whole disk: past this, --dir is wrong. */
const maxFolderEntries = 200_000;

const isDeclarationName = (name: string) => /\.ya?ml$/i.test(name);

const isFolder = (path: string) =>
  stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );

function kindOf(entry: Dirent): DeclarationEntry["kind"] {
  if (entry.isFile()) return "file";
  return entry.isSymbolicLink() ? "symlink" : "not-a-file";
}

/**
 * Every `*.yaml` and `*.yml` entry under `dir` (sub-folders included, symbolic links to folders not
 * followed), in a stable order: by key, compared code unit by code unit (locale-independent).
 * @param shownAs how the folder is named in the error, e.g. as the user typed it.
 * @throws DirectoryNotFoundError when `dir` is missing or not a folder; EmiError when it cannot be
 *   listed or holds more than {@link maxFolderEntries} entries.
 */
export async function listDeclarationFiles(dir: string, shownAs = dir): Promise<DeclarationEntry[]> {
  const info = await stat(dir).catch((cause: unknown) => {
    throw new DirectoryNotFoundError(shownAs, { cause });
  });
  if (!info.isDirectory()) throw new DirectoryNotFoundError(shownAs);
  const found: DeclarationEntry[] = [];
  let seen = 0;
  const folders: string[] = [""];
  for (let key = folders.pop(); key !== undefined; key = folders.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(join(dir, key), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      if (key === "") {
        throw new EmiError(
          `cannot list the declarations folder "${shownAs}" (${code}): check that this user may read it`,
          { cause: error },
        );
      }
      found.push({ path: join(dir, key), key, kind: "unreadable-folder", errorCode: code });
      continue;
    }
    seen += entries.length;
    if (seen > maxFolderEntries) {
      throw new EmiError(
        `"${shownAs}" holds more than ${maxFolderEntries.toLocaleString("en-US")} files and folders: ` +
          "point --dir at the folder of declarations (integrations/ by default)",
      );
    }
    for (const entry of entries) {
      const child = key === "" ? entry.name : `${key}/${entry.name}`;
      if (entry.isDirectory()) folders.push(child);
      else if (
        isDeclarationName(entry.name) ||
        (entry.isSymbolicLink() && (await isFolder(join(dir, child))))
      ) {
        // A linked folder could hold declarations too: skipping it would read them as removed.
        found.push({ path: join(dir, child), key: child, kind: kindOf(entry) });
      }
    }
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
