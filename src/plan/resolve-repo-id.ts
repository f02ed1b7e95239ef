import { execFile } from "node:child_process";
import { basename } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * This repository's id, the registry's `managedBy`: `--repo` if given, else `GITHUB_REPOSITORY`
 * (set in GitHub Actions), else `owner/name` parsed from the git remote `origin`, else
 * `local/<folder name>` of the working directory. Everything that plans or applies from the same
 * checkout gets the same id, so its integrations are recognised as its own.
 */
export async function resolveRepoId(options: {
  flag?: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
}): Promise<string> {
  if (options.flag?.trim()) return options.flag.trim();
  const fromEnv = options.env.GITHUB_REPOSITORY?.trim();
  if (fromEnv) return fromEnv;
  try {
    const { stdout } = await run("git", ["config", "--get", "remote.origin.url"], {
      cwd: options.cwd,
      timeout: 5_000,
    });
    const parsed = repoFromRemote(stdout.trim());
    if (parsed) return parsed;
  } catch {
    // Not a git checkout, or no origin: fall back to the folder name.
  }
  return `local/${basename(options.cwd)}`;
}

/** `owner/name` from `git@github.com:owner/name.git`, `https://host/owner/name(.git)`, `ssh://…`. */
function repoFromRemote(url: string): string | null {
  const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  return match ? `${match[1]}/${match[2]}` : null;
}
