import { execFile } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/start-sandbox.ts";

/**
 * Every ```sh block of README.md and docs/ runs against the sandbox, in a temporary repository, or
 * is marked right after its closing fence with `<!-- not runnable: <reason> -->`. The blocks of one
 * page run in order in one repository, so a page reads as a session: a tutorial's later steps see
 * its earlier ones. A page starts from a copy of this repository's integrations/ (the examples,
 * whose keys the sandbox knows), or from an empty folder when it says
 * `<!-- examples start in an empty folder -->`. `npx emi` and `emi` run this checkout's bin/emi.js;
 * `http://127.0.0.1:4010` is the sandbox the test started.
 */
const root = new URL("../..", import.meta.url).pathname;
const notRunnable = /^<!-- not runnable[^:]*: \S.* -->$/;

interface Block {
  line: number;
  code: string;
  marked: boolean;
  /** A `<!-- not runnable` comment after the block, without a reason. */
  badMarker: boolean;
}

function shellBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```sh\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.slice(indent));
    const next = (lines.slice(i + 1).find((l) => l.trim() !== "") ?? "").trim();
    const marked = notRunnable.test(next);
    blocks.push({
      line: start + 1,
      code: body.join("\n"),
      marked,
      badMarker: !marked && next.startsWith("<!-- not runnable"),
    });
  }
  return blocks;
}

async function markdownFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await markdownFiles(full)));
    else if (entry.name.endsWith(".md")) found.push(full);
  }
  return found;
}

const pages = [path.join(root, "README.md"), ...(await markdownFiles(path.join(root, "docs")))].sort();
const texts = new Map(await Promise.all(pages.map(async (p) => [p, await readFile(p, "utf8")] as const)));
const sandboxKeys = {
  ACTITO_KEY_NORDLYS: "sandbox-key-nordlys",
  ACTITO_KEY_BOREAL: "sandbox-key-boreal",
  ACTITO_KEY_LUMEN: "sandbox-key-lumen",
  ACTITO_KEY_SOLSTICE: "sandbox-key-solstice",
};

function run(code: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-e", "-o", "pipefail", "-c", code],
      { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ ok: error === null, output: `${stdout}${stderr}` }),
    );
  });
}

describe("shell examples of README.md and docs/", () => {
  it("gives every not-runnable marker a reason", () => {
    for (const [page, text] of texts) {
      for (const block of shellBlocks(text)) {
        expect(
          block.badMarker,
          `${path.relative(root, page)}:${block.line}: <!-- not runnable: <reason> -->`,
        ).toBe(false);
      }
    }
  });

  for (const page of pages) {
    const text = texts.get(page)!;
    const runnable = shellBlocks(text).filter((b) => !b.marked);
    if (runnable.length === 0) continue;
    const name = path.relative(root, page);
    it(`runs the examples of ${name}`, { timeout: 600_000 }, async () => {
      const sandbox = await startSandbox({ port: 0 });
      const dir = await mkdtemp(path.join(tmpdir(), "emi-docs-"));
      try {
        const repo = path.join(dir, "repo");
        await mkdir(repo);
        if (!text.includes("<!-- examples start in an empty folder -->")) {
          await cp(path.join(root, "integrations"), path.join(repo, "integrations"), { recursive: true });
        }
        const bin = path.join(dir, "bin");
        await mkdir(bin);
        await writeFile(
          path.join(bin, "emi"),
          `#!/bin/sh\nexec node ${path.join(root, "bin/emi.js")} "$@"\n`,
        );
        await chmod(path.join(bin, "emi"), 0o755);
        const env: NodeJS.ProcessEnv = {
          PATH: `${bin}:${process.env.PATH}`,
          HOME: dir,
          TMPDIR: dir,
          EMI_ACTITO_URL: sandbox.url,
          ...sandboxKeys,
        };
        const host = new URL(sandbox.url).host;
        for (const block of runnable) {
          const code = block.code
            .replace(/\bnpx (--no-install )?emi\b/g, "emi")
            .replaceAll("127.0.0.1:4010", host);
          const result = await run(code, repo, env);
          expect(
            result.ok,
            `${name}:${block.line} failed:\n${block.code}\n--- output:\n${result.output}`,
          ).toBe(true);
        }
      } finally {
        await sandbox.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
