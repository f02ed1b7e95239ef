import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module of src/ and the src/ modules it imports (type-only imports included: they are edges too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, "src"))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => resolve(dirname(file), name));
    graph.set(file, targets);
  }
  return graph;
}

/** The cycles of the graph, one per strongly connected component of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(root, member));
      } while (member !== node);
      const selfImport = graph.get(node)?.includes(node) ?? false;
      if (component.length > 1 || selfImport) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("module edges", () => {
  it("has no import cycle between the modules of src/", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps src/github free of imports from src/cli", () => {
    const offenders = [...importGraph()]
      .filter(([file]) => relative(root, file).startsWith("src/github/"))
      .filter(([, targets]) => targets.some((target) => relative(root, target).startsWith("src/cli/")))
      .map(([file]) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it("keeps the SQLite threads' code in src/store, whose files decide whether their build is fresh", () => {
    const graph = importGraph();
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next);
    };
    visit(join(root, "src/store/sqlite-write-worker-thread.ts"));
    visit(join(root, "src/store/sqlite-checkpoint-thread.ts"));
    visit(join(root, "src/store/address-hash-thread.ts"));
    expect(reached.size).toBeGreaterThan(2);
    expect(
      [...reached].map((file) => relative(root, file)).filter((file) => !file.startsWith("src/store/")),
    ).toEqual([]);
  });

  it("finds a cycle when two modules import each other", () => {
    const graph = new Map([
      ["/a.ts", ["/b.ts"]],
      ["/b.ts", ["/a.ts"]],
      ["/c.ts", ["/a.ts"]],
    ]);
    expect(cycles(graph)).toHaveLength(1);
  });
});
