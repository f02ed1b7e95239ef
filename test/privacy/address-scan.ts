import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RunningSandbox } from "../../src/sandbox/start-sandbox.ts";

/** Every e-mail address of the sandbox's default tables, lower-cased. */
export function sandboxAddresses(sandbox: RunningSandbox): Set<string> {
  const tables = [
    ["nordlys", "nordlys", "16"],
    ["boreal", "boreal", "7"],
    ["lumen", "lumen", "3"],
    ["solstice", "solstice", "21"],
  ] as const;
  const out = new Set<string>();
  for (const [licence, entity, table] of tables) {
    for (const profile of sandbox.profiles(licence, entity, table)) {
      const email = profile.attributes.emailAddress;
      if (typeof email === "string" && email.trim() !== "") out.add(email.trim().toLowerCase());
    }
  }
  return out;
}

/**
 * The addresses of `wanted` (lower-case) that occur in `text` (bytes read as latin1: an ASCII
 * address shows as itself whatever the file's format), even packed against other bytes as in an
 * index page. Looks only around each `@`, so megabytes against thousands of addresses stay fast.
 */
export function addressesIn(text: string, wanted: ReadonlySet<string>): string[] {
  const byDomain = new Map<string, Set<string>>();
  let longestLocal = 0;
  for (const address of wanted) {
    const at = address.lastIndexOf("@");
    const domain = address.slice(at + 1);
    (byDomain.get(domain) ?? byDomain.set(domain, new Set()).get(domain)!).add(address.slice(0, at));
    longestLocal = Math.max(longestLocal, at);
  }
  const lower = text.toLowerCase();
  const found = new Set<string>();
  for (let at = lower.indexOf("@"); at !== -1; at = lower.indexOf("@", at + 1)) {
    for (const [domain, locals] of byDomain) {
      if (!lower.startsWith(domain, at + 1)) continue;
      for (let start = Math.max(0, at - longestLocal); start < at; start++) {
        const local = lower.slice(start, at);
        if (locals.has(local)) found.add(`${local}@${domain}`);
      }
    }
  }
  return [...found];
}

/** Every file under `dir` (recursively), as latin1 text, with its path. */
export async function filesUnder(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).size > 512 * 1024 * 1024) continue;
    out.push({ path, text: (await readFile(path)).toString("latin1") });
  }
  return out;
}

/** A plain-text dump of one schema of a PostgreSQL database, as `pg_dump` writes it. */
export async function pgDump(url: string): Promise<string> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  const { stdout } = await promisify(execFile)(
    "pg_dump",
    [...(schema ? ["--schema", schema] : []), parsed.toString()],
    { maxBuffer: 512 * 1024 * 1024 },
  );
  return stdout;
}
