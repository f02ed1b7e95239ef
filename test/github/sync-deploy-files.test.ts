import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

const root = join(import.meta.dirname, "../..");
type Obj = Record<string, unknown>;

function yamlFile(path: string): Obj {
  const parsed = parseDocument(readFileSync(join(root, path), "utf8"));
  expect(parsed.errors, `${path} parses`).toEqual([]);
  expect(parsed.warnings, `${path} parses without warnings`).toEqual([]);
  return parsed.toJS() as Obj;
}
const o = (v: unknown): Obj => {
  expect(v !== null && typeof v === "object" && !Array.isArray(v), JSON.stringify(v)).toBe(true);
  return v as Obj;
};

function declaredSecretEnvNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, "integrations")).filter((f) => f.endsWith(".yaml"))) {
    const text = readFileSync(join(root, "integrations", file), "utf8");
    for (const m of text.matchAll(/secretRef:\s*["']?env:([A-Z0-9_]+)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe(".github/workflows/sync.yml", () => {
  const doc = yamlFile(".github/workflows/sync.yml");
  const job = o(o(doc.jobs).sync);
  const steps = job.steps as Obj[];

  it("runs every 15 minutes and on demand, one run at a time, never cancelling a running sync", () => {
    expect(o(doc.on).schedule).toEqual([{ cron: "*/15 * * * *" }]);
    expect(o(doc.on)).toHaveProperty("workflow_dispatch");
    expect(o(doc.concurrency)).toEqual({ group: "emi-sync", "cancel-in-progress": false });
    expect(doc.permissions).toEqual({ contents: "read" });
  });

  it("runs emi sync --concurrency 8 against the shared store with every declared key and pinned actions", () => {
    const sync = steps.find((s) => typeof s.run === "string" && s.run.includes("npx --no-install emi sync"));
    expect(sync?.run).toMatch(/emi sync --concurrency 8\b/);
    expect(o(job.env).EMI_STORE).toBe(`$${"{{"} secrets.EMI_STORE }}`);
    expect(Object.keys(o(sync?.env)).sort()).toEqual(declaredSecretEnvNames());
    for (const step of steps.filter((s) => typeof s.uses === "string")) {
      expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    }
  });
});
