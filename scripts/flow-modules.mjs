// Counts the modules of src/ a flow loads: the modules its entry imports, transitively, at a git
// revision (type-only imports are left out: they are erased and run nothing). docs/architecture.md
// gives these counts for its three flows, before and after a change:
//   node scripts/flow-modules.mjs <revision> <entry.ts> [<entry.ts> …]
import { execFileSync } from "node:child_process";
import { posix } from "node:path";
import ts from "typescript";

const [revision, ...entries] = process.argv.slice(2);
if (!revision || entries.length === 0) {
  console.error("usage: node scripts/flow-modules.mjs <revision> <src/…/entry.ts> […]");
  process.exit(2);
}

const read = (path) => {
  try {
    return execFileSync("git", ["show", `${revision}:${path}`], { encoding: "utf8", stdio: "pipe" });
  } catch {
    return null;
  }
};

/** The src/ modules `path` imports for their code (not `import type`, not `export type`). */
function valueImports(path, text) {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    let specifier;
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifier = node.moduleSpecifier.text;
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      specifier = node.moduleSpecifier.text;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteralLike(first)) specifier = first.text;
    }
    if (specifier?.startsWith(".")) {
      const target = posix.normalize(posix.join(posix.dirname(path), specifier));
      if (target.startsWith("src/") && /\.(ts|mjs)$/.test(target)) found.push(target);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const seen = new Set();
const missing = [];
const queue = [...entries];
while (queue.length > 0) {
  const path = queue.pop();
  if (seen.has(path)) continue;
  const text = read(path);
  if (text === null) {
    missing.push(path);
    continue;
  }
  seen.add(path);
  queue.push(...valueImports(path, text));
}
const byFolder = {};
for (const path of seen) byFolder[path.split("/")[1]] = (byFolder[path.split("/")[1]] ?? 0) + 1;
console.log(`${revision}: ${seen.size} modules`, JSON.stringify(byFolder));
if (missing.length > 0) console.log(`not at ${revision}: ${missing.join(", ")}`);
