import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { captureIO } from "./capture-io.ts";

describe("emi sandbox --print-seed", () => {
  const sandboxes: RunningSandbox[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const s of sandboxes.splice(0)) await s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prints a seed file that serves the same data as the default data set", async () => {
    const io = captureIO();
    expect(await main(["node", "emi", "sandbox", "--print-seed"], io)).toBe(0);
    expect(io.out()).toMatch(/^# /);
    dir = await mkdtemp(path.join(tmpdir(), "emi-seed-"));
    const file = path.join(dir, "sandbox.yaml");
    await writeFile(file, io.out());
    const fromFile = await startSandbox({ port: 0, seed: file });
    sandboxes.push(fromFile);
    const fromDefault = await startSandbox({ port: 0 });
    sandboxes.push(fromDefault);
    const tables = (s: RunningSandbox) =>
      Object.fromEntries(Object.entries(s.stats().tables).map(([name, t]) => [name, t.profiles]));
    expect(tables(fromFile)).toEqual(tables(fromDefault));
    expect(Object.keys(tables(fromFile)).length).toBeGreaterThan(0);
    expect([...fromFile.profiles("boreal", "boreal", "7")]).toEqual([
      ...fromDefault.profiles("boreal", "boreal", "7"),
    ]);
  });
});
