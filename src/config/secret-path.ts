import { open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

/** The first line of an ASCII-armored age file. */
const AGE_ARMOR_HEADER = "-----BEGIN AGE ENCRYPTED FILE-----";

/** The path of a `file:` or `age:` reference, or null for an `env:` or unknown reference. */
export function secretPathOf(ref: string): { scheme: "file" | "age"; path: string } | null {
  if (ref.startsWith("file:")) return { scheme: "file", path: ref.slice(5) };
  if (ref.startsWith("age:")) return { scheme: "age", path: ref.slice(4) };
  return null;
}

function inside(root: string, full: string): boolean {
  const rel = relative(root, full);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Where a secret file's path leads, by its text alone: the absolute path when it stays inside the
 * repository root (relative to it, or absolute inside it), null when it leaves it (`..`, another
 * absolute path) or names the root itself.
 */
export function confinedPath(path: string, root: string): string | null {
  if (path.trim() === "" || path.includes("\0")) return null;
  const full = resolve(root, path);
  return inside(resolve(root), full) ? full : null;
}

/**
 * Whether the real path (symbolic links followed) stays inside the real repository root. For a
 * path that does not exist, the deepest folder that does is checked: a link out cannot hide in it.
 */
export async function realPathInside(full: string, root: string): Promise<boolean> {
  const realRoot = await realpath(root).catch(() => resolve(root));
  let at = full;
  for (;;) {
    try {
      const real = await realpath(at);
      return at === full ? inside(realRoot, real) : inside(realRoot, real) || real === realRoot;
    } catch {
      const parent = dirname(at);
      if (parent === at) return false;
      at = parent;
    }
  }
}

/**
 * The most a `file:` or `age:` secret file may weigh: a key is a few hundred bytes, its age armor a
 * few hundred more. A larger file is not read at all.
 */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * What `emi validate` may learn about an `age:` file: it exists, is not larger than a secret file
 * may be, and starts as an age file should.
 */
export async function inspectAgeFile(full: string): Promise<"missing" | "not-age" | "too-large" | "age"> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(full, "r");
  } catch {
    return "missing";
  }
  try {
    const stat = await handle.stat();
    if (stat.isFile() && stat.size > MAX_SECRET_FILE_BYTES) return "too-large";
    const buffer = Buffer.alloc(AGE_ARMOR_HEADER.length + 8);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString("latin1").trimStart();
    return head.startsWith(AGE_ARMOR_HEADER) ? "age" : "not-age";
  } catch {
    // A folder, or a file that cannot be read.
    return "missing";
  } finally {
    await handle.close();
  }
}
