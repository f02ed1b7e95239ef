// Writes this repository's .github/workflows/{plan,apply,drift,sync}.yml from the templates that
// `emi init` writes (src/init/templates/), so the two cannot drift apart. Here the workflows run
// the checkout's own emi (package.json is emi itself), and a change to emi's code or schemas is
// planned and applied like a change of declarations. `--check` only says whether they are current
// (test/init/render-workflows.test.ts runs the same comparison).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  declarationPaths,
  renderWorkflow,
  secretEnvNamesIn,
  workflowNames,
  workflowTemplate,
} from "../src/init/render-workflow.ts";

const root = new URL("../", import.meta.url);

/** The workflows this repository should have: file name → text. */
export function ownWorkflows(): Map<string, string> {
  const integrations = new URL("integrations/", root);
  const declarations = readdirSync(integrations)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => readFileSync(new URL(file, integrations), "utf8"));
  const settings = {
    origin:
      "Made from src/init/templates/ by scripts/render-workflows.ts (npm run workflows): edit the template, not this file.",
    paths: [...declarationPaths, "schemas/**", "src/**"],
    secretEnvNames: secretEnvNamesIn(declarations),
  };
  return new Map(
    workflowNames.map((name) => [
      `.github/workflows/${name}.yml`,
      renderWorkflow(workflowTemplate(name), settings),
    ]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [path, text] of ownWorkflows()) {
    const url = new URL(path, root);
    let current = "";
    try {
      current = readFileSync(url, "utf8");
    } catch {}
    if (current === text) continue;
    stale++;
    if (check) console.error(`${path} is not what src/init/templates/ makes: run npm run workflows`);
    else {
      writeFileSync(url, text);
      console.log(`wrote ${path}`);
    }
  }
  if (check && stale > 0) process.exitCode = 1;
}
