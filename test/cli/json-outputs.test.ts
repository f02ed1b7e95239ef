import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatchCommand } from "../../src/cli/sync-watch.ts";
import { createWorld, REPO_ROOT, type World } from "../e2e/e2e-harness.ts";

const schemaDir = join(REPO_ROOT, "schemas/output");
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
for (const file of readdirSync(schemaDir))
  ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, file), "utf8")));

/** Checks one JSON document against schemas/output/<name>.schema.json and its formatVersion. */
function expectValid(name: string, document: unknown): void {
  const validate = ajv.getSchema(`https://emi.raptor.example/schemas/output/${name}.schema.json`);
  expect(validate, `schemas/output/${name}.schema.json`).toBeDefined();
  const ok = validate!(document);
  const errors = JSON.stringify(validate!.errors, null, 1);
  expect(ok, `${name}: ${errors}`).toBe(true);
  expect(typeof (document as { formatVersion?: unknown }).formatVersion, name).toBe("number");
}
const lines = (out: string) =>
  out
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);

describe("every --format json output carries formatVersion and matches its schema under schemas/output/", () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("has a schema for each output, each one valid JSON Schema", () => {
    expect(readdirSync(schemaDir).sort()).toEqual(
      expect.arrayContaining(
        ["validate", "plan", "apply", "drift", "state-show", "api-key-list", "sync-event", "sync-watch"].map(
          (name) => `${name}.schema.json`,
        ),
      ),
    );
  });

  it("validate, plan, apply, sync, drift, state show and api-key list", async () => {
    const validate = await world.run(["validate", "--format", "json"]);
    expect(validate.code).toBe(0);
    expectValid("validate", JSON.parse(validate.out));

    const plan = await world.run(["plan", "--format", "json"]);
    expect(plan.code, plan.err).toBe(0);
    expectValid("plan", JSON.parse(plan.out));

    const apply = await world.run(["apply", "--yes", "--format", "json"]);
    expect(apply.code, apply.err).toBe(0);
    expectValid("apply", JSON.parse(apply.out));

    const sync = await world.run(["sync", "--format", "json", "--full"]);
    expect(sync.code, sync.err).toBe(0);
    const syncLines = lines(sync.out);
    expect(syncLines.length).toBeGreaterThan(1);
    for (const line of syncLines) expectValid("sync-event", line);
    expect(syncLines.at(-1)).toMatchObject({ type: "summary" });

    const drift = await world.run(["drift", "--format", "json"]);
    expect(drift.code, drift.err).toBe(0);
    expectValid("drift", JSON.parse(drift.out));

    const state = await world.run(["state", "show", "--format", "json"]);
    expect(state.code, state.err).toBe(0);
    expectValid("state-show", JSON.parse(state.out));

    expect((await world.run(["api-key", "create", "--account", "1042", "--name", "shop"])).code).toBe(0);
    const keys = await world.run(["api-key", "list", "--format", "json"]);
    expect(keys.code, keys.err).toBe(0);
    const listed = JSON.parse(keys.out);
    expect(listed.keys).toHaveLength(1);
    expectValid("api-key-list", listed);
  }, 300_000);

  it("sync --watch, stopped as soon as it started: its started and stopped lines", async () => {
    const stop = new AbortController();
    let out = "";
    const io = {
      stdout: {
        write: (s: string) => {
          out += s;
          if (out.includes('"type":"started"')) stop.abort();
          return true;
        },
      },
      stderr: { write: () => true },
      env: world.env,
      cwd: world.dir,
    };
    const flags = {
      dir: "integrations",
      store: world.storeUrl,
      format: "json" as const,
      interval: 3600,
      fullEvery: 24,
      concurrency: 2,
    };
    await runWatchCommand(flags, io, { signal: stop.signal });
    const records = lines(out);
    expect(records.map((r) => (r as { type: string }).type)).toEqual(["started", "stopped"]);
    for (const record of records) expectValid("sync-watch", record);
  }, 300_000);
});
