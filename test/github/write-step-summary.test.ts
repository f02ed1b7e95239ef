import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STEP_SUMMARY_LIMIT_BYTES, writeStepSummary } from "../../src/github/write-step-summary.ts";

describe("writeStepSummary", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emi-summary-"));
    path = join(dir, "summary.md");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("does nothing outside GitHub Actions", async () => {
    expect(await writeStepSummary({}, "# plan")).toEqual({ written: false, bytes: 0, truncated: false });
  });

  it("appends after what earlier steps wrote", async () => {
    await writeFile(path, "# validate\n");
    await writeStepSummary({ GITHUB_STEP_SUMMARY: path }, "# plan");
    expect(await readFile(path, "utf8")).toBe("# validate\n# plan\n");
  });

  it("stays under 1 MiB in total with a note when the Markdown is larger", async () => {
    await writeFile(path, "x".repeat(100_000));
    const huge = "| 1042 | créé | ok |\n".repeat(80_000);
    const result = await writeStepSummary({ GITHUB_STEP_SUMMARY: path }, huge, {
      artifactUrl: "https://r/1",
    });
    expect(result).toMatchObject({ written: true, truncated: true });
    const content = await readFile(path);
    expect(content.length).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(content.length).toBeLessThan(1024 * 1024);
    expect(content.toString("utf8")).toMatch(/Truncated.*1 MiB.*\(\[workflow run\]\(https:\/\/r\/1\)\)/);
  });
});
