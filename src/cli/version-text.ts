import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The package root: the same two levels up from src/cli/ and from the bundle's dist/cli/. */
const packageRoot = new URL("../../", import.meta.url);

/**
 * `emi 0.2.0 (commit 1a2b3c…) node v20.20.2`. The bundle reads the commit recorded when it was
 * built (dist/build-info.json, written by scripts/build.mjs at `npm pack` and image build time);
 * a run from the sources asks git, since a recorded commit may be older than the checkout.
 */
export function versionText(): string {
  return `emi ${packageVersion()} (commit ${builtFrom()}) node ${process.version}`;
}

/** The version in emi's own package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("package.json", packageRoot), "utf8")) as { version: string })
    .version;
}

function builtFrom(): string {
  if (!import.meta.url.endsWith(".ts")) {
    try {
      const info = JSON.parse(readFileSync(new URL("dist/build-info.json", packageRoot), "utf8")) as {
        commit?: unknown;
      };
      if (typeof info.commit === "string" && info.commit !== "") return info.commit;
    } catch {
      // A bundle built before build-info.json existed: say so rather than guess.
    }
    return "unknown";
  }
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: fileURLToPath(packageRoot),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    const head = git("rev-parse", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") === "" ? head : `${head}-dirty`;
  } catch {
    return "unknown (not a git checkout)";
  }
}
