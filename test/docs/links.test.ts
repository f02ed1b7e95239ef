import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Relative links of README.md and docs/ point at files of the repository (anchors are not checked). */
const root = new URL("../..", import.meta.url).pathname;

async function markdownFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await markdownFiles(full)));
    else if (entry.name.endsWith(".md")) found.push(full);
  }
  return found;
}

describe("links of README.md and docs/", () => {
  it("point at files that exist", async () => {
    const broken: string[] = [];
    for (const page of [path.join(root, "README.md"), ...(await markdownFiles(path.join(root, "docs")))]) {
      // Code spans (regular expressions, shell) are not links.
      const text = (await readFile(page, "utf8")).replace(/`[^`\n]*`/g, "");
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split("#")[0]!;
        if (target === "" || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(path.resolve(path.dirname(page), target))) {
          broken.push(`${path.relative(root, page)}: ${match[1]}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
