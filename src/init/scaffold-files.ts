import { readFileSync } from "node:fs";
import {
  renderWorkflow,
  declarationPaths,
  templatesUrl,
  workflowNames,
  workflowTemplate,
} from "./render-workflow.ts";

/** One file `emi init` writes, relative to the new repository. */
export interface ScaffoldFile {
  path: string;
  content: string;
}

/** What the files depend on. */
export interface ScaffoldOptions {
  /** The package name of the new repository. */
  name: string;
  /** `dependencies.emi` (an exact pin: resolveEmiSpec). */
  emiSpec: string;
  /** Older `secretRef: env:NAME` names already declared in the folder, passed by the workflows. */
  secretEnvNames: string[];
}

/** Template files copied as they are: where they come from under templates/ → where they go. */
const copied: [string, string][] = [
  ["integrations/README.md", "integrations/README.md"],
  ["emi.config.yaml", "emi.config.yaml"],
  // npm never packs a file named .gitignore, and a .github folder in a package reads as its own CI.
  ["gitignore", ".gitignore"],
  ["CODEOWNERS", "CODEOWNERS"],
  ["github/dependabot.yml", ".github/dependabot.yml"],
];

/** The files of a new declarations repository, in the order they are listed. */
export function scaffoldFiles(options: ScaffoldOptions): ScaffoldFile[] {
  const files = copied.map(([from, to]) => ({
    path: to,
    content: readFileSync(new URL(from, templatesUrl), "utf8"),
  }));
  files.push({ path: "package.json", content: packageJson(options) });
  for (const name of workflowNames) {
    files.push({
      path: `.github/workflows/${name}.yml`,
      content: renderWorkflow(workflowTemplate(name), {
        origin: "Written by `emi init`: edit freely (emi never rewrites it; `emi init --force` would).",
        paths: declarationPaths,
        secretEnvNames: options.secretEnvNames,
      }),
    });
  }
  return files;
}

function packageJson(options: ScaffoldOptions): string {
  const manifest = {
    name: options.name,
    version: "0.0.0",
    private: true,
    description: "Raptor ↔ Actito integrations, declared for emi",
    scripts: { validate: "emi validate", plan: "emi plan", demo: "emi demo" },
    // Exact: the workflows run `npm ci`, so CI runs the emi this repository reviewed.
    dependencies: { emi: options.emiSpec },
    engines: { node: ">=20.19" },
    // npm 11 asks which packages may run install scripts: better-sqlite3 compiles its native module.
    allowScripts: { "better-sqlite3": true },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A package name from a folder name: lower case, letters, digits, `-`, `.` and `_`. */
export function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[-]+$/g, "");
  return name === "" ? "integrations" : name;
}

/**
 * An existing package.json (`npm install ./emi-0.2.0.tgz` writes one) with emi pinned to
 * `emiSpec` in `dependencies` and the scripts added where missing; everything else kept as it is.
 */
export function mergePackageJson(existing: Record<string, unknown>, emiSpec: string): string {
  const dependencies = { ...(existing.dependencies as Record<string, string> | undefined), emi: emiSpec };
  const devDependencies = { ...(existing.devDependencies as Record<string, string> | undefined) };
  delete devDependencies.emi;
  const scripts = {
    validate: "emi validate",
    plan: "emi plan",
    demo: "emi demo",
    ...(existing.scripts as Record<string, string> | undefined),
  };
  const allowScripts = {
    "better-sqlite3": true,
    ...(existing.allowScripts as Record<string, boolean> | undefined),
  };
  const merged: Record<string, unknown> = { ...existing, scripts, dependencies, allowScripts };
  if (Object.keys(devDependencies).length > 0) merged.devDependencies = devDependencies;
  else delete merged.devDependencies;
  return `${JSON.stringify(merged, null, 2)}\n`;
}

/** The emi that an existing package.json already names, if any. */
export function existingEmiSpec(existing: Record<string, unknown>): string | undefined {
  for (const field of ["dependencies", "devDependencies"]) {
    const spec = (existing[field] as Record<string, unknown> | undefined)?.emi;
    if (typeof spec === "string") return spec;
  }
  return undefined;
}
