// Generates docs/reference/{commands,declaration,config,diagnostics}.md from the code: the commander
// definitions, the JSON Schemas and the diagnostic vocabulary. `--check` fails when a page is stale.
import { readFile, writeFile } from "node:fs/promises";
import type { Command, Option } from "commander";
import { buildProgram } from "../src/cli/main.ts";
import { diagnosticCodes } from "../src/config/diagnostic-codes.ts";
import { diagnosticFixes, planProblemSummaries } from "../src/config/diagnostic-fixes.ts";
import { PLAN_PROBLEM_CODES, VALIDATION_CODES } from "../src/types/diagnostic-code.ts";

const banner = (source: string) =>
  `<!-- Generated from ${source} by \`npm run docs:generate\`. Do not edit. -->\n\n`;

/** Escapes a table cell. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Exit codes per top-level command; a command missing here fails the generation. */
const usage2 = "usage error (unknown command, bad flag)";
const exitCodes: Record<string, [string, string, string]> = {
  validate: ["valid (warnings allowed)", "invalid", "usage error (bad flag, missing `--dir`)"],
  plan: [
    "no changes (or changes without `--detailed-exitcode`)",
    "error (invalid declarations, conflicts, Actito or store failure, comment not posted); a bad flag",
    "changes, with `--detailed-exitcode`",
  ],
  apply: [
    "applied (a licence busy elsewhere is marked due, not a failure)",
    "error (an integration failed or its sync was left degraded, stale or edited plan, lock held, no `--yes` without a terminal); a bad flag",
    "—",
  ],
  sync: [
    "done (an integration skipped because another process holds its licence lease is done); `--watch`: stopped by SIGTERM/SIGINT",
    "error, or an integration left degraded (refused values emi did not write, rows needing a person, an import refused whole, an attribute conflict); a bad flag, `--metrics-port` in use, a bad `EMI_ACTITO_*` knob",
    "—",
  ],
  drift: ["no drift", "error; a bad flag", "drift"],
  state: ["shown", "error (no store at …)", usage2],
  unlock: ["lock broken", "error (no such lock, no store)", usage2],
  reaid: ["printed", "error (unknown account, no store)", usage2],
  sandbox: ["stopped by SIGTERM/SIGINT", "error (port in use, invalid seed)", usage2],
  demo: ["the demo ran", "error; a bad flag", "—"],
  serve: ["stopped by SIGTERM/SIGINT", "error (port in use, no store)", usage2],
  "api-key": ["done", "error (unknown account or key, no store)", usage2],
  secret: ["done", "error (no recipients, file exists without `--force`, cannot decrypt)", usage2],
  store: ["done (copy verified exact)", "error (target not empty, source busy, verification failed)", usage2],
  init: ["scaffolded", "error (files exist without `--force`)", usage2],
  completion: ["printed", "error", usage2],
  links: [
    "every link is right",
    "a problem was found, or a campaign could not be read",
    "usage error (unknown account, `--campaign` without `linkDomains`)",
  ],
};

/** Examples per command path; each is run in a tutorial or how-to, not here. */
const examples: Record<string, string[]> = {
  init: ["emi init", "emi init ../acme-integrations --emi-spec ./vendor/emi-0.2.0.tgz"],
  completion: ["emi completion bash > ~/.local/share/bash-completion/completions/emi"],
  validate: ["emi validate", "emi validate --format github"],
  plan: ["emi plan", "emi plan --out plan.json --detailed-exitcode", "emi plan --format markdown --comment"],
  apply: ["emi apply --yes", "emi apply plan.json --yes"],
  sync: ["emi sync", "emi sync --account 1042 --full", "emi sync --watch --metrics-port 9464"],
  drift: ["emi drift --format markdown --report"],
  "state show": ["emi state show", "emi state show --account 1042 --format json"],
  "reaid get": ["emi reaid get --account 1042 jane@example.com"],
  "reaid export": ["emi reaid export --account 1042 > reaids.csv"],
  sandbox: ["emi sandbox --port 4010", "emi sandbox --print-seed > sandbox.yaml"],
  demo: ["emi demo", "emi demo --keep ./emi-demo"],
  serve: ["emi serve --host 0.0.0.0 --port 8080 --worker"],
  "api-key create": ["emi api-key create --account 1042 --name shop-backend"],
  "secret encrypt": ['printf %s "$ACTITO_KEY" | emi secret encrypt --account 1042'],
  "store copy": ["emi store copy --from sqlite:.emi/state.db --to postgres://emi@db/emi"],
  "store backup": ["emi store backup backup.db"],
};

function flagDefault(option: Option): string {
  const parts: string[] = [];
  if (option.defaultValue !== undefined) parts.push(`\`${JSON.stringify(option.defaultValue)}\``);
  if (option.envVar) parts.push(`env \`${option.envVar}\``);
  return parts.join(", ");
}

function commandSection(command: Command, path: string[]): string {
  const name = [...path, command.name()].join(" ");
  const args = command.registeredArguments
    .map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`) + (a.variadic ? "…" : ""))
    .join(" ");
  let out = `## \`emi ${name}${args ? ` ${args}` : ""}\`\n\n${command.description()}\n\n`;
  const options = command.options.filter((o) => !o.hidden);
  if (options.length > 0) {
    out += "| flag | description | default | choices |\n|---|---|---|---|\n";
    for (const o of options) {
      const choices = o.argChoices ? o.argChoices.map((c) => `\`${c}\``).join(", ") : "";
      out += `| \`${cell(o.flags)}\` | ${cell(o.description)} | ${cell(flagDefault(o))} | ${choices} |\n`;
    }
    out += "\n";
  }
  const shown = examples[name];
  if (shown) out += `Examples: ${shown.map((e) => `\`${e}\``).join(" · ")}\n\n`;
  return out;
}

function walk(command: Command, path: string[]): string {
  let out = "";
  for (const sub of command.commands) {
    if (sub.commands.length > 0) {
      out += `## \`emi ${[...path, sub.name()].join(" ")}\`\n\n${sub.description()}\n\n`;
      out += walk(sub, [...path, sub.name()]);
    } else {
      out += commandSection(sub, path);
    }
  }
  return out;
}

async function commandsPage(): Promise<string> {
  const sink = { write: () => true };
  const program = await buildProgram({
    io: { stdout: sink, stderr: sink, env: {}, cwd: process.cwd() },
    exitCode: 0,
  });
  let out = `${banner("the commander definitions (src/cli/*-command.ts)")}# Commands\n\n`;
  out += `${program.description()}\n\n`;
  out +=
    "Global flags: " +
    program.options.map((o) => `\`${o.flags}\` (${o.description})`).join(", ") +
    ". Run any command with `--help` for the same text.\n\n";
  out += "## Exit codes\n\n| command | 0 | 1 | 2 |\n|---|---|---|---|\n";
  for (const command of program.commands) {
    const codes = exitCodes[command.name()];
    if (!codes) throw new Error(`scripts/generate-reference.ts: no exit codes for \`emi ${command.name()}\``);
    out += `| \`${command.name()}\` | ${codes.map(cell).join(" | ")} |\n`;
  }
  out += "\n";
  out += walk(program, []);
  return out;
}

interface SchemaNode {
  $ref?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
  $defs?: Record<string, SchemaNode>;
}

function resolve(root: SchemaNode, node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace("#/$defs/", "");
  const target = root.$defs?.[name];
  if (!target) throw new Error(`unresolved $ref ${node.$ref}`);
  return { ...resolve(root, target), ...(node.description ? { description: node.description } : {}) };
}

function typeOf(root: SchemaNode, node: SchemaNode): string {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" | ");
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives) return alternatives.map((a) => typeOf(root, resolve(root, a))).join(" or ");
  const type = Array.isArray(node.type) ? node.type.join(" | ") : (node.type ?? "any");
  if (type === "array" && node.items) return `list of ${typeOf(root, resolve(root, node.items))}`;
  const limits: string[] = [];
  if (node.format) limits.push(node.format);
  if (node.minimum !== undefined) limits.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) limits.push(`≤ ${node.maximum}`);
  if (node.maxLength !== undefined) limits.push(`≤ ${node.maxLength} characters`);
  if (node.maxItems !== undefined) limits.push(`≤ ${node.maxItems} items`);
  if (node.pattern) limits.push(`pattern \`${node.pattern}\``);
  return limits.length > 0 ? `${type} (${limits.join(", ")})` : type;
}

function fieldRows(root: SchemaNode, node: SchemaNode, prefix: string): string {
  let out = "";
  const required = new Set(node.required ?? []);
  for (const [key, raw] of Object.entries(node.properties ?? {})) {
    const field = resolve(root, raw);
    const name = `${prefix}${key}`;
    const dflt = field.default !== undefined ? `\`${JSON.stringify(field.default)}\`` : "";
    const nested = field.properties !== undefined;
    out += `| \`${name}\` | ${required.has(key) ? "yes" : "no"} | ${nested ? "object" : cell(typeOf(root, field))} | ${dflt} | ${cell(field.description ?? "")} |\n`;
    if (nested) out += fieldRows(root, field, `${name}.`);
  }
  return out;
}

async function schemaPage(file: string, title: string, intro: string): Promise<string> {
  const root = JSON.parse(await readFile(new URL(`../${file}`, import.meta.url), "utf8")) as SchemaNode;
  return (
    `${banner(file)}# ${title}\n\n${root.description ?? ""}\n\n${intro}\n\n` +
    "| field | required | type | default | description |\n|---|---|---|---|---|\n" +
    fieldRows(root, root, "")
  );
}

function diagnosticsPage(): string {
  let out = `${banner("src/types/diagnostic-code.ts, src/config/diagnostic-codes.ts and src/config/diagnostic-fixes.ts")}# Diagnostic codes\n\n`;
  out +=
    "Every code emi reports. Codes are stable: tools and people match on them. Validation codes come " +
    "from `emi validate` (and every command that reads the declarations), with the file, line and " +
    "column; plan codes are problems `emi plan` finds on a change (Actito, the registry, secrets, " +
    "webhooks, campaign links).\n\n";
  out += "## Validation\n\n| code | meaning | fix |\n|---|---|---|\n";
  for (const code of VALIDATION_CODES) {
    out += `| \`${code}\` | ${cell(diagnosticCodes[code] ?? "")} | ${cell(diagnosticFixes[code])} |\n`;
  }
  out += "\n## Plan\n\n| code | meaning | fix |\n|---|---|---|\n";
  for (const code of PLAN_PROBLEM_CODES) {
    out += `| \`${code}\` | ${cell(planProblemSummaries[code])} | ${cell(diagnosticFixes[code])} |\n`;
  }
  return out;
}

const pages: Record<string, () => Promise<string> | string> = {
  "docs/reference/commands.md": commandsPage,
  "docs/reference/declaration.md": () =>
    schemaPage(
      "schemas/integration.schema.json",
      "Declaration fields (`integrations/<account>.yaml`)",
      "Put `# yaml-language-server: $schema=../schemas/integration.schema.json` on the first line for editor completion. Rules beyond the schema are in [diagnostics.md](diagnostics.md).",
    ),
  "docs/reference/config.md": () =>
    schemaPage(
      "schemas/emi-config.schema.json",
      "Repository config fields (`emi.config.yaml`)",
      "`emi.config.yaml` sits at the declarations repository's root: the parent of the `--dir` folder. It is optional, and `emi validate` checks it like a declaration.",
    ),
  "docs/reference/diagnostics.md": diagnosticsPage,
};

const check = process.argv.includes("--check");
let stale = 0;
for (const [path, render] of Object.entries(pages)) {
  const text = `${(await render()).trimEnd()}\n`;
  const url = new URL(`../${path}`, import.meta.url);
  if (check) {
    const current = await readFile(url, "utf8").catch(() => "");
    if (current !== text) {
      console.error(`${path} is stale: run \`npm run docs:generate\` and commit the result.`);
      stale++;
    }
  } else {
    await writeFile(url, text);
    console.log(`wrote ${path}`);
  }
}
if (check && stale === 0) console.log("docs/reference/ is up to date.");
process.exit(stale > 0 ? 1 : 0);
