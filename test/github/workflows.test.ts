import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const root = join(import.meta.dirname, "../..");
const dir = join(root, ".github/workflows");

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
interface Step extends Obj {}

function load(name: string): { text: string; doc: Obj } {
  const text = readFileSync(join(dir, name), "utf8");
  const parsed = parseDocument(text);
  expect(parsed.errors, `${name} parses`).toEqual([]);
  expect(parsed.warnings, `${name} parses without warnings`).toEqual([]);
  return { text, doc: parsed.toJS() as Obj };
}

const obj = (value: Json | undefined): Obj => {
  expect(value !== null && typeof value === "object" && !Array.isArray(value)).toBe(true);
  return value as Obj;
};
const jobs = (doc: Obj): Obj[] => Object.values(obj(doc.jobs)).map(obj);
const steps = (doc: Obj): Step[] => jobs(doc).flatMap((job) => (job.steps as Step[]) ?? []);
const runs = (doc: Obj): string[] => steps(doc).flatMap((s) => (typeof s.run === "string" ? [s.run] : []));
const stepRunning = (doc: Obj, command: string): Step => {
  const step = steps(doc).find((s) => typeof s.run === "string" && s.run.includes(command));
  expect(step, `a step runs "${command}"`).toBeDefined();
  return step!;
};

/** Every (path, string) pair in a parsed document, to see where expressions are used. */
function strings(value: Json, path: string[] = []): [string[], string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

/** The environment variables the declarations of this repository take their keys from. */
function declaredSecretEnvNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, "integrations")).filter((f) => f.endsWith(".yaml"))) {
    const text = readFileSync(join(root, "integrations", file), "utf8");
    for (const m of text.matchAll(/secretRef:\s*["']?env:([A-Z0-9_]+)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

/** GitHub expressions, written out once (a literal `${{` in a string reads like a template mistake). */
const expr = (inner: string) => `$${"{{"} ${inner} }}`;
const GITHUB_TOKEN = expr("github.token");

const workflows = ["ci.yml", "plan.yml", "apply.yml", "drift.yml", "sync.yml", "release.yml"];

/** The release each pinned commit is; checked against the actions' tags when the SHA was chosen. */
const pins: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" },
  "actions/setup-node": { sha: "49933ea5288caeca8642d1e84afbd3f7d6820020", version: "v4.4.0" },
  "actions/upload-artifact": { sha: "ea165f8d65b6e75b540449e92b4886f43607fa02", version: "v4.6.2" },
  "docker/setup-buildx-action": { sha: "b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2", version: "v3.10.0" },
  "docker/login-action": { sha: "74a5d142397b4f367a81961eba4e8cd7edddf772", version: "v3.4.0" },
  "docker/build-push-action": { sha: "263435318d21b8e681c14492fe198d362a7d2c83", version: "v6.18.0" },
};

describe("GitHub workflows", () => {
  it.each(workflows)("pins every action in %s to a full commit SHA with its version in a comment", (name) => {
    const { text, doc } = load(name);
    const uses = steps(doc).flatMap((s) => (typeof s.uses === "string" ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const ref of uses) {
      const [action, sha] = ref.split("@");
      expect(sha, ref).toMatch(/^[0-9a-f]{40}$/);
      expect(pins[action!], `${action} is a known, reviewed action`).toBeDefined();
      expect(sha).toBe(pins[action!]!.sha);
    }
    for (const line of text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l))) {
      const action = line.match(/uses:\s*([^@\s]+)@/)![1]!;
      expect(line, "version comment").toContain(`# ${pins[action]!.version}`);
    }
  });

  it.each(workflows)(
    "gives %s least privilege, timeouts, and no credentials left in the checkout",
    (name) => {
      const { doc } = load(name);
      const permissions = obj(doc.permissions);
      expect(permissions.contents).toBe("read");
      expect(Object.values(permissions).every((p) => p === "read" || p === "write")).toBe(true);
      for (const job of jobs(doc)) expect(typeof job["timeout-minutes"]).toBe("number");
      for (const step of steps(doc).filter((s) => String(s.uses).startsWith("actions/checkout@"))) {
        expect(obj(step.with)["persist-credentials"]).toBe(false);
      }
      expect(Object.keys(obj(doc.on))).not.toContain("pull_request_target");
    },
  );

  it.each(workflows)("keeps secrets and event data out of the shell scripts of %s", (name) => {
    const { doc } = load(name);
    for (const [path, value] of strings(doc as Json)) {
      // A secret only enters through an `env:` map, never pasted into a script or an argument.
      if (value.includes("secrets.")) expect(path, value).toContain("env");
      // Expressions in scripts are a script-injection risk: scripts read the environment instead.
      if (path.at(-1) === "run") expect(value, `${path.join(".")}`).not.toContain("${{");
    }
    // `npx emi` must never fetch a package called "emi" from the registry.
    for (const run of runs(doc).filter((r) => r.includes("npx "))) {
      expect(run).toMatch(/npx --no-install emi /);
    }
  });

  it("runs npm ci and npm run check on Node 20, 22 and 24 with PostgreSQL in ci.yml", () => {
    const { doc } = load("ci.yml");
    const on = obj(doc.on);
    expect(obj(on.push).branches).toEqual(["main"]);
    expect(on).toHaveProperty("pull_request");
    const [check] = jobs(doc);
    expect(obj(obj(check!.strategy).matrix).node).toEqual([20, 22, 24]);
    const postgres = obj(obj(check!.services).postgres);
    expect(String(postgres.image)).toMatch(/^postgres:/);
    expect(postgres.ports).toEqual(["5432:5432"]);
    expect(obj(check!.env).EMI_TEST_POSTGRES_URL).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:5432\//);
    expect(obj(check!.env).EMI_REQUIRE_POSTGRES).toBe("1");
    expect(runs(doc)).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci/), "npm run check"]));
  });

  it("plans every pull request (never path-filtered: a required check must report), with only contents: read and pull-requests: write", () => {
    const { doc } = load("plan.yml");
    expect(obj(doc.on)).toEqual({ pull_request: null });
    expect(doc.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    // The first step asks which files changed; everything else runs only when one of them matters.
    const [changes, ...rest] = steps(doc);
    expect(changes!.id).toBe("changes");
    expect(String(changes!.run)).toContain("gh api --paginate");
    expect(String(changes!.run)).toContain("^(integrations/|secrets/|emi\\.config\\.yaml$|");
    for (const step of rest) {
      const condition =
        step.name === "Plan"
          ? "steps.install.outcome == 'success'"
          : "steps.changes.outputs.relevant == 'true'";
      expect(String(step.if), String(step.name ?? step.uses)).toContain(condition);
    }
    stepRunning(doc, "emi validate --format github");
    const plan = stepRunning(doc, "emi plan --comment --out plan.json");
    expect(String(plan.if)).toContain("!cancelled()");
    const env = obj(plan.env);
    expect(env.GITHUB_TOKEN).toBe(GITHUB_TOKEN);
    for (const name of declaredSecretEnvNames()) expect(env[name], name).toBe(expr(`secrets.${name}`));
    const upload = steps(doc).find((s) => String(s.uses).startsWith("actions/upload-artifact@"))!;
    expect(upload.if).toBe(expr("always() && steps.changes.outputs.relevant == 'true'"));
    expect(obj(upload.with).path).toBe("plan.json");
  });

  it("applies on push to main one run at a time, never cancelling a running apply", () => {
    const { doc } = load("apply.yml");
    expect(obj(obj(doc.on).push).branches).toEqual(["main"]);
    const concurrency = obj(doc.concurrency);
    expect(concurrency.group).toBe("emi-apply");
    expect(concurrency["cancel-in-progress"]).toBe(false);
    expect(doc.permissions).toEqual({
      contents: "read",
      actions: "read",
      "pull-requests": "write",
      issues: "write",
    });
    const [job] = jobs(doc);
    expect(obj(job!.env).EMI_STORE).toBe(expr("secrets.EMI_STORE"));
    const apply = stepRunning(doc, "emi apply plan.json --yes --comment");
    expect(obj(apply.env).GITHUB_TOKEN).toBe(GITHUB_TOKEN);
    // A third merge cancels the waiting run: the next apply reports to every pull request merged
    // since the last successful one (its head commit, found by the step before).
    expect(String(apply.run)).toContain("$" + '{LAST_APPLIED:+--since "$LAST_APPLIED"}');
    expect(obj(apply.env).LAST_APPLIED).toBe(expr("steps.last.outputs.sha"));
    expect(String(stepRunning(doc, "gh run list").run)).toContain("--status success");
    for (const name of declaredSecretEnvNames())
      expect(obj(apply.env)[name], name).toBe(expr(`secrets.${name}`));
    // The plan that is applied is the plan that is kept.
    const all = steps(doc);
    const upload = all.findIndex((s) => String(s.uses).startsWith("actions/upload-artifact@"));
    expect(upload).toBeGreaterThan(all.indexOf(stepRunning(doc, "emi plan --out plan.json")));
    expect(upload).toBeLessThan(all.indexOf(apply));
    expect(all[upload]!.if).toBe("always()");
    // A failure before emi could report still reaches the emi-apply-failed issue.
    const fallback = all.find((s) => String(s.if).includes("failure()"))!;
    expect(fallback.if).toBe("failure() && steps.apply.outcome != 'failure'");
    expect(String(fallback.run)).toContain("emi-apply-failed");
  });

  it("checks drift on a schedule and on demand, reporting to the emi-drift issue", () => {
    const { doc } = load("drift.yml");
    const on = obj(doc.on);
    expect((on.schedule as Obj[])[0]!.cron).toMatch(/^(\S+\s+){4}\S+$/);
    expect(on).toHaveProperty("workflow_dispatch");
    expect(doc.permissions).toEqual({ contents: "read", issues: "write" });
    expect(obj(doc.concurrency)["cancel-in-progress"]).toBe(false);
    const drift = stepRunning(doc, "emi drift --report");
    expect(obj(drift.env).GITHUB_TOKEN).toBe(GITHUB_TOKEN);
    for (const name of declaredSecretEnvNames())
      expect(obj(drift.env)[name], name).toBe(expr(`secrets.${name}`));
  });

  it.each([
    ["plan.yml", "emi plan --comment"],
    ["apply.yml", "emi apply plan.json"],
    ["drift.yml", "emi drift --report"],
    ["sync.yml", "emi sync"],
  ])("passes EMI_AGE_IDENTITY once, to the whole job, in %s", (name, command) => {
    const { text, doc } = load(name);
    const [job] = jobs(doc);
    expect(obj(job!.env).EMI_AGE_IDENTITY).toBe(expr("secrets.EMI_AGE_IDENTITY"));
    // One line per job, whatever the number of integrations: adding one touches no workflow.
    expect(text.match(/EMI_AGE_IDENTITY:/g)).toHaveLength(jobs(doc).length);
    expect(job!.steps as Step[]).toContain(stepRunning(doc, command));
  });

  it("plans with --require-secrets before applying, and runs on changes to age keys and emi.config.yaml", () => {
    const { doc } = load("apply.yml");
    expect(String(stepRunning(doc, "emi plan --out plan.json").run)).toContain("--require-secrets");
    expect(obj(obj(doc.on).push).paths).toEqual(
      expect.arrayContaining(["integrations/**", "secrets/**", "emi.config.yaml"]),
    );
  });

  it("finds the secret names the declarations use", () => {
    expect(declaredSecretEnvNames()).toEqual(
      expect.arrayContaining([
        "ACTITO_KEY_BOREAL",
        "ACTITO_KEY_LUMEN",
        "ACTITO_KEY_NORDLYS",
        "ACTITO_KEY_SOLSTICE",
      ]),
    );
  });
});
