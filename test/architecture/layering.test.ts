import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * Which folder of src/ may import which (docs/architecture.md, "Layers"). A folder may import its own
 * modules and those of the folders listed for it, nothing else. `types` is at the bottom and every
 * folder may use it.
 *
 * The one exception (ADR 0002, interfaces owned by their users): src/store implements the roles its
 * users declare, so a module of src/store may import a module of any folder when
 *   - the import is type-only (`import type { … }`, or every name marked `type`; erased at compile
 *     time, so no code of that folder runs or loads), and
 *   - the imported module declares types only (interfaces and type aliases, no code).
 */
const bottom = ["types"];
const foundations = [...bottom, "config", "actito", "store"];
const syncLevel = [...foundations, "sync", "github", "links"];
const mayImport: Record<string, readonly string[]> = {
  types: [],
  config: bottom,
  actito: bottom,
  store: bottom,
  // The Actito sandbox is a stand-in for Actito: of emi it uses only the YAML diagnostics of its seed
  // file (sandboxMayUseOfConfig below) and the error types.
  sandbox: [...bottom, "config"],
  sync: foundations,
  github: foundations,
  // The campaign link check sits beside sync.
  links: foundations,
  plan: syncLevel,
  apply: [...syncLevel, "plan"],
  // The long-running processes: never the plan, apply or the CLI.
  serve: [...foundations, "sync"],
  watch: [...foundations, "sync"],
  // `emi init` sits beside the CLI, which registers it.
  init: [...syncLevel, "plan", "apply", "serve", "watch", "sandbox"],
  cli: [...syncLevel, "plan", "apply", "serve", "watch", "sandbox", "init"],
};
const sandboxMayUseOfConfig = new Set([
  "src/config/schema-diagnostics.ts",
  "src/config/index-yaml-positions.ts",
  "src/config/source-positions.ts",
]);
/** The SQL behind the Store: reached only through the Store's roles (src/store/store.ts). */
const storeInternal = /^src\/store\/(sql-store|sql-driver-of|sql-[a-z0-9-]+|[a-z0-9-]+-sql)\.ts$/;

const root = resolve(import.meta.dirname, "../..");

interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative import of a module: static, re-exports, `import()` and `import("…")` types. */
function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith(".")) return;
    edges.push({
      from: relative(root, file),
      to: relative(root, resolve(dirname(file), specifier)),
      typeOnly,
    });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamesTypes =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, clause !== undefined && (clause.isTypeOnly || allNamesTypes));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** Whether a module declares types only: interfaces, type aliases and type-only imports/exports. */
function declaresTypesOnly(text: string): boolean {
  const source = ts.createSourceFile("module.ts", text, ts.ScriptTarget.Latest, true);
  return source.statements.every(
    (statement) =>
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(statement) && statement.isTypeOnly),
  );
}

const folderOf = (path: string) => path.split("/")[1] ?? "";

/** Each edge that breaks the rule, as "src/a/x.ts imports src/b/y.ts (a may not depend on b)". */
function layeringViolations(edges: readonly ImportEdge[], read: (path: string) => string): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    if (!edge.to.startsWith("src/")) continue;
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    const allowed = mayImport[from];
    if (allowed === undefined) {
      found.push(`${edge.from} is in src/${from}, which has no place in the layers: add it to mayImport`);
      continue;
    }
    if (from !== "store" && storeInternal.test(edge.to)) {
      found.push(
        `${edge.from} imports ${edge.to} (${from} may not depend on the store's SQL, only on the roles of Store)`,
      );
      continue;
    }
    if (from === to) continue;
    if (from === "sandbox" && to === "config" && !sandboxMayUseOfConfig.has(edge.to)) {
      found.push(`${edge.from} imports ${edge.to} (sandbox may use only config's YAML diagnostics)`);
      continue;
    }
    if (allowed.includes(to)) continue;
    if (from === "store" && edge.typeOnly && declaresTypesOnly(read(edge.to))) continue;
    found.push(`${edge.from} imports ${edge.to} (${from} may not depend on ${to})`);
  }
  return found;
}

describe("layers", () => {
  const files = sourceFiles(join(root, "src"));
  const edges = files.flatMap((file) => importsOf(file, readFileSync(file, "utf8")));
  const read = (path: string) => readFileSync(join(root, path), "utf8");

  it("every import in src/ follows the layers", () => {
    expect(edges.length).toBeGreaterThan(500);
    const violations = layeringViolations(edges, read);
    if (violations.length > 0) console.log(violations.join("\n"));
    expect(violations).toEqual([]);
  });

  it("has a place for every folder of src/", () => {
    const folders = new Set(files.map((file) => folderOf(relative(root, file))));
    expect([...folders].filter((folder) => mayImport[folder] === undefined)).toEqual([]);
  });

  it("reports an upward import, a value import of a role, and the store's SQL reached from outside", () => {
    const roles = "export interface Role { get(): Promise<number> }\n";
    const code = "export function hash(text: string): string { return text; }\n";
    const files: Record<string, string> = { "src/sync/role.ts": roles, "src/serve/hash.ts": code };
    const violations = layeringViolations(
      [
        { from: "src/sync/a.ts", to: "src/plan/b.ts", typeOnly: false },
        { from: "src/store/c.ts", to: "src/sync/role.ts", typeOnly: true },
        { from: "src/store/d.ts", to: "src/sync/role.ts", typeOnly: false },
        { from: "src/store/e.ts", to: "src/serve/hash.ts", typeOnly: true },
        { from: "src/plan/f.ts", to: "src/store/webhook-inbox-sql.ts", typeOnly: false },
        { from: "src/serve/g.ts", to: "src/store/sql-driver-of.ts", typeOnly: false },
        { from: "src/sandbox/h.ts", to: "src/config/validate-directory.ts", typeOnly: false },
        { from: "src/cli/i.ts", to: "src/plan/j.ts", typeOnly: false },
      ],
      (path) => files[path] ?? "",
    );
    expect(violations).toEqual([
      "src/sync/a.ts imports src/plan/b.ts (sync may not depend on plan)",
      "src/store/d.ts imports src/sync/role.ts (store may not depend on sync)",
      "src/store/e.ts imports src/serve/hash.ts (store may not depend on serve)",
      "src/plan/f.ts imports src/store/webhook-inbox-sql.ts (plan may not depend on the store's SQL, only on the roles of Store)",
      "src/serve/g.ts imports src/store/sql-driver-of.ts (serve may not depend on the store's SQL, only on the roles of Store)",
      "src/sandbox/h.ts imports src/config/validate-directory.ts (sandbox may use only config's YAML diagnostics)",
    ]);
  });

  it("tells a type-only import from one that loads code", () => {
    const edges = importsOf(
      join(root, "src/store/x.ts"),
      [
        'import type { A } from "../sync/a.ts";',
        'import { type B, type C } from "../sync/b.ts";',
        'import { type D, e } from "../sync/d.ts";',
        'export type { F } from "../sync/f.ts";',
        'const g = await import("../sync/g.ts");',
        'let h: import("../sync/h.ts").H;',
      ].join("\n"),
    );
    expect(edges.map((edge) => `${edge.to} ${edge.typeOnly}`)).toEqual([
      "src/sync/a.ts true",
      "src/sync/b.ts true",
      "src/sync/d.ts false",
      "src/sync/f.ts true",
      "src/sync/g.ts false",
      "src/sync/h.ts true",
    ]);
  });
});
