import { readFile } from "node:fs/promises";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { indexYamlPositions } from "../config/index-yaml-positions.ts";
import { schemaDiagnostics } from "../config/schema-diagnostics.ts";
import { lineStartsOf } from "../config/source-positions.ts";
import schema from "../../schemas/sandbox-seed.schema.json" with { type: "json" };
import { SandboxSeedError } from "./sandbox-seed-error.ts";
import type { SandboxSeed } from "./sandbox-seed.ts";

let validator: ValidateFunction | undefined;

// verbose: errors carry their parent schema, which the worded messages (did you mean …) need.
function seedValidator(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
    schema,
  );
  return validator;
}

function validate(value: unknown): ErrorObject[] {
  const check = seedValidator();
  return check(value) ? [] : [...(check.errors ?? [])];
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(top level)" : error.instancePath.slice(1).replaceAll("/", ".");
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : error.keyword === "enum"
        ? ` (${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(", ")})`
        : "";
  return `${where}: ${error.message ?? "is invalid"}${extra}`;
}

/** `/licences/0/endpoint` as `licences.0.endpoint`; the top level as `(top level)`. */
function dotted(pointer: string): string {
  return pointer === "" ? "(top level)" : pointer.slice(1).replaceAll("/", ".");
}

/** Table ids are strings in Actito's API; YAML users often write `id: 16` unquoted. */
function withStringTableIds(seed: SandboxSeed): SandboxSeed {
  for (const licence of seed.licences)
    for (const entity of licence.entities)
      for (const table of entity.profileTables) table.id = String(table.id);
  return seed;
}

/** Checks a seed given as a value against schemas/sandbox-seed.schema.json. */
export function checkSeed(value: unknown, source = "(inline seed)"): SandboxSeed {
  const errors = validate(value);
  if (errors.length > 0) throw new SandboxSeedError(source, errors.map(describe));
  return withStringTableIds(value as SandboxSeed);
}

/**
 * Reads a YAML seed file and checks it against the schema; every problem is reported at once,
 * with its line and column in the file.
 */
export async function loadSeedFile(path: string): Promise<SandboxSeed> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SandboxSeedError(path, ["the file cannot be read"], { cause: error });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SandboxSeedError(
      path,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: ${e.message.split("\n")[0]}`;
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (doc.contents && !seedValidator()(value)) {
    // The declarations' worded messages and positions: "endpoint is "api7"; use one of: …",
    // "\"apikeys\" is not a field of …; did you mean \"apiKeys\"?", at the key or value itself.
    const source = {
      file: path,
      lineStarts: lineStartsOf(text),
      positions: indexYamlPositions({ isAlias, isMap, isScalar, isSeq }, doc.contents as Node),
    };
    const diagnostics = schemaDiagnostics(source, value, seedValidator()).sort(
      (a, b) => a.line - b.line || a.column - b.column,
    );
    throw new SandboxSeedError(
      path,
      diagnostics.map((d) => `line ${d.line}, column ${d.column}: ${dotted(d.path)}: ${d.message}`),
    );
  }
  return withStringTableIds(value as SandboxSeed);
}
