import { readFileSync } from "node:fs";

/** The four workflows `emi init` writes, and that emi's own repository is made of too. */
export const workflowNames = ["plan", "apply", "drift", "sync"] as const;
export type WorkflowName = (typeof workflowNames)[number];

/** What differs between one declarations repository and another. */
export interface WorkflowSettings {
  /** The first comment line: where the file comes from and how to regenerate it. */
  origin: string;
  /** The paths whose change is planned and applied (`integrations/**`, `emi.config.yaml`…). */
  paths: string[];
  /** Older `secretRef: env:NAME` keys: passed, one line each, to the steps that talk to Actito. */
  secretEnvNames: string[];
}

/** The files under src/init/templates/, shipped in the package (the same depth from dist/cli/). */
export const templatesUrl = new URL("../../src/init/templates/", import.meta.url);

/** The paths a declarations repository plans: what emi reads, and emi's own pinned version. */
export const declarationPaths = [
  "integrations/**",
  "secrets/**",
  "emi.config.yaml",
  "package.json",
  "package-lock.json",
];

/** `integrations/**` → `integrations/`, `emi.config.yaml` → `emi\.config\.yaml$`: one ERE for grep. */
export function pathsRegex(paths: string[]): string {
  const one = (path: string) => {
    const escaped = path.replace(/\*\*$/, "").replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    return path.endsWith("**") ? escaped : `${escaped}$`;
  };
  return `^(${paths.map(one).join("|")})`;
}

/**
 * Fills a workflow template: `@@origin@@`, `@@pathsRegex@@`, and the lines `@@pathsYaml@@` and
 * `@@secretEnv@@`, which become one line per item at the placeholder's indentation. An `env:` left
 * with nothing under it (no older keys) is dropped, since an empty map is not valid there.
 */
export function renderWorkflow(template: string, settings: WorkflowSettings): string {
  const lines: string[] = [];
  for (const line of template.split("\n")) {
    const block = /^(\s*)# @@(pathsYaml|secretEnv)@@\s*$/.exec(line);
    if (!block) {
      lines.push(
        line
          .replaceAll("@@origin@@", settings.origin)
          .replaceAll("@@pathsRegex@@", pathsRegex(settings.paths)),
      );
      continue;
    }
    const indent = block[1]!;
    const items =
      block[2] === "pathsYaml"
        ? settings.paths.map((path) => `- ${JSON.stringify(path)}`)
        : settings.secretEnvNames.length === 0
          ? []
          : [
              "# Older env: references, one line each; new integrations use age: files and need none.",
              ...settings.secretEnvNames.map((name) => `${name}: $${"{{"} secrets.${name} }}`),
            ];
    lines.push(...items.map((item) => `${indent}${item}`));
  }
  return dropEmptyEnv(lines).join("\n");
}

function dropEmptyEnv(lines: string[]): string[] {
  const indentOf = (line: string) => /^\s*/.exec(line)![0].length;
  return lines.filter((line, i) => {
    if (line.trim() !== "env:") return true;
    const next = lines.slice(i + 1).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    return next !== undefined && indentOf(next) > indentOf(line);
  });
}

/** A workflow template's text. */
export function workflowTemplate(name: WorkflowName): string {
  return readFileSync(new URL(`github/workflows/${name}.yml`, templatesUrl), "utf8");
}

/** The names older declarations read their keys from (`secretRef: env:NAME`), sorted. */
export function secretEnvNamesIn(declarationTexts: string[]): string[] {
  const names = new Set<string>();
  for (const text of declarationTexts) {
    for (const m of text.matchAll(/secretRef:\s*["']?env:([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  }
  return [...names].sort();
}
