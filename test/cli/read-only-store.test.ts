import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { createWorld } from "../e2e/e2e-harness.ts";
import { itWith, postgres, postgresUrl } from "../requirements.ts";

const root = resolve(import.meta.dirname, "../..");

function emi(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(root, "bin/emi.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("read-only commands never create a store", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  it("state show, reaid get, reaid export, unlock and drift say 'no store at …' and create nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-ro-"));
    cpSync(join(root, "integrations"), join(dir, "integrations"), { recursive: true });
    const store = join(dir, "missing", "dir", "x.db");
    for (const args of [
      ["state", "show"],
      ["reaid", "get", "a@b.example", "--account", "1042"],
      ["reaid", "export", "--account", "1042"],
      ["unlock", "abc"],
      ["drift"],
    ]) {
      const run = emi([...args, "--store", `sqlite:${store}`], dir, { EMI_ACTITO_URL: sandbox.url });
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.err).toContain(`no store at ${store}`);
      expect(run.err).toContain("run emi apply first");
      expect(run.err).not.toContain("this is a bug");
    }
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("plan without a store plans against an empty registry and creates nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-ro-"));
    cpSync(join(root, "integrations"), join(dir, "integrations"), { recursive: true });
    const run = emi(["plan", "--format", "json", "--repo", "acme/integrations"], dir, {
      EMI_ACTITO_URL: sandbox.url,
    });
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out) as { summary: { create: number } };
    expect(plan.summary.create).toBeGreaterThan(0);
    expect(existsSync(join(dir, ".emi"))).toBe(false);
  });

  it("plan --out creates the store that signs the plan, so the apply workflow's first run works", async () => {
    const world = await createWorld();
    try {
      const plan = await world.run(["plan", "--out", "plan.json"]);
      expect(plan.code).toBe(0);
      const applied = await world.run(["apply", "plan.json", "--yes"]);
      expect(applied.err).not.toContain("stale");
      expect(applied.code).toBe(0);
      expect(await world.withStore((s) => s.listIntegrations())).toHaveLength(4);
    } finally {
      await world.close();
    }
  });

  it("treats EMI_STORE='' as the default store", () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-ro-"));
    const run = emi(["state", "show"], dir, { EMI_STORE: "" });
    expect(run.err).toContain(`no store at ${join(dir, ".emi/state.db")}`);
  });

  itWith([postgres], "does not create a PostgreSQL schema for state show with ?schema=typo", async () => {
    const url = new URL(postgresUrl());
    const schema = `typo_${process.pid}`;
    url.searchParams.set("schema", schema);
    url.password = "hunter2-not-printed";
    const run = emi(["state", "show", "--store", url.toString()], tmpdir());
    expect(run.code).toBe(1);
    expect(run.err).toMatch(new RegExp(`no store at postgres://[^ ]+ \\(schema ${schema}\\)`));
    expect(run.err).not.toContain("postgres@");
    expect(run.err).not.toContain("hunter2");
    const client = new pg.Client({ connectionString: postgresUrl() });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1",
        [schema],
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe("store failures say what to check", () => {
  it("names a corrupted SQLite file as such, not as a bug", () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-corrupt-"));
    writeFileSync(join(dir, "state.db"), Buffer.alloc(8192, 0x5a));
    const run = emi(["state", "show", "--store", "sqlite:state.db"], dir);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/SQLITE_NOTADB.*not an emi store \(or is corrupted\)/);
    expect(run.err).not.toContain("this is a bug");
  });

  it("refuses --lock-wait abc as a usage error instead of waiting 0 s", () => {
    const run = emi(["apply", "--lock-wait", "abc"], tmpdir());
    expect(run.code).toBe(1);
    expect(run.err).toContain("'--lock-wait <seconds>' argument 'abc' is invalid");
  });
});
