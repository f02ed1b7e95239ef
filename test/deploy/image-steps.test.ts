import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, npmRegistry } from "../requirements.ts";
import { npmEnv } from "./npm-env.ts";
import { checkoutLockfile, packEmi } from "./pack-emi.ts";

const root = join(import.meta.dirname, "../..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const isRoot = process.getuid?.() === 0;

/** Runs a command as the image's user would: not root (nobody, through setpriv, when the test is root). */
function asNonRoot(command: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const [file, args] = isRoot
    ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", ...command]]
    : [command[0]!, command.slice(1)];
  return spawnSync(file, args, { ...options, encoding: "utf8", timeout: 60_000 });
}

const run = (cwd: string, command: string, ...args: string[]) =>
  execFileSync(command, args, { cwd, env: npmEnv(), stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });

describeWith([npmRegistry], "the container image's steps, outside a container (Dockerfile)", () => {
  let work: string;
  let app: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "emi-image-"));
    chmodSync(work, 0o755);
    app = join(work, "app");
    mkdirSync(app);
    // As the build stage: pack, unpack into /app, then production dependencies only, with
    // better-sqlite3's native module built there.
    const tarball = packEmi(work);
    run(app, "tar", "-xzf", tarball, "--strip-components=1");
    copyFileSync(checkoutLockfile, join(app, "package-lock.json"));
    run(app, "npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund");
    run(app, "npm", "rebuild", "better-sqlite3");
    rmSync(join(app, "package-lock.json"));
    // As the final stage: the app belongs to root and nobody may write to it.
    run(work, "chmod", "-R", "a-w,a+rX", app);
  }, 1_500_000);

  afterAll(async () => {
    if (!work) return;
    spawnSync("chmod", ["-R", "u+w", work]);
    await rm(work, { recursive: true, force: true });
  });

  it("holds only what runs: no sources, tests, dev dependencies or CI files", () => {
    for (const absent of [
      "src/cli",
      "test",
      "bench",
      ".github",
      "scripts",
      "node_modules/vitest",
      "node_modules/tsx",
    ])
      expect(() => statSync(join(app, absent)), absent).toThrow();
    for (const present of [
      "bin/emi.js",
      "dist/cli/main.mjs",
      "schemas/integration.schema.json",
      "examples/sandbox-seed.yaml",
    ])
      expect(statSync(join(app, present)).isFile(), present).toBe(true);
    expect(statSync(join(app, "bin/emi.js")).mode & 0o222).toBe(0);
  });

  it("runs emi --version and validate as a non-root user against the read-only app", () => {
    const repo = join(work, "repo");
    cpSync(join(root, "examples/integrations"), join(repo, "integrations"), { recursive: true });
    run(work, "chmod", "-R", "a+rX", repo);
    const tmp = join(work, "tmp");
    mkdirSync(tmp, { mode: 0o1777 });
    chmodSync(tmp, 0o1777);
    const env = { PATH: process.env.PATH ?? "", TMPDIR: tmp, NODE_ENV: "production" };

    const versionRun = asNonRoot(["node", join(app, "bin/emi.js"), "--version"], { cwd: repo, env });
    expect(versionRun.stderr).toBe("");
    expect(versionRun.status).toBe(0);
    expect(versionRun.stdout).toMatch(
      new RegExp(`^emi ${version.replaceAll(".", "\\.")} \\(commit [0-9a-f]{40}(-dirty)?\\) node v\\d+`),
    );

    const validate = asNonRoot(["node", join(app, "bin/emi.js"), "validate"], { cwd: repo, env });
    expect(validate.stderr).toBe("");
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain("4 files");
  });
});
