import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** The top of the git working tree holding `dir` (a folder with `.git`), or undefined. */
function gitTopOf(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** Whether git already ignores `path` (any .gitignore, info/exclude, the global file). */
function gitIgnores(top: string, path: string, gitignoreLine: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "-q", "--", path], { cwd: top, stdio: "ignore" });
    return true;
  } catch (error) {
    // Exit 1: not ignored. Anything else (no git on this machine): read the root .gitignore.
    if ((error as { status?: number }).status === 1) return false;
    const gitignore = join(top, ".gitignore");
    if (!existsSync(gitignore)) return false;
    return readFileSync(gitignore, "utf8")
      .split(/\r?\n/)
      .some((line) => line.trim() === gitignoreLine || line.trim() === gitignoreLine.slice(1));
  }
}

/**
 * Keeps `emi demo --keep DIR` out of git: when DIR is inside a git working tree and not ignored,
 * appends `/DIR/` to the tree's root .gitignore. Returns the line added (to warn about), or
 * undefined when nothing had to change.
 */
export function ignoreDemoFolder(dir: string): { gitignore: string; line: string } | undefined {
  const top = gitTopOf(dir);
  if (top === undefined || dir === top) return undefined;
  const rel = relative(top, dir).split(sep).join("/");
  if (rel.startsWith("..")) return undefined;
  const line = `/${rel}/`;
  if (gitIgnores(top, rel, line)) return undefined;
  const gitignore = join(top, ".gitignore");
  const text = existsSync(gitignore) ? readFileSync(gitignore, "utf8") : "";
  appendFileSync(
    gitignore,
    `${text === "" || text.endsWith("\n") ? "" : "\n"}# emi demo --keep: the demo's store and declarations\n${line}\n`,
  );
  return { gitignore, line };
}
