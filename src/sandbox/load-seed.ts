import { readFile } from "node:fs/promises";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { LineCounter, parseDocument } from "yaml";
import schema from "../../schemas/sandbox-seed.schema.json" with { type: "json" };
import { SandboxSeedError } from "./sandbox-seed-error.ts";
import type { SandboxSeed } from "./sandbox-seed.ts";

let validator: ValidateFunction | undefined;

function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  return validator(value) ? [] : [...(validator.errors ?? [])];
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
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new SandboxSeedError(
      path,
      doc.errors.map((e) => `line ${e.linePos?.[0].line ?? "?"}: ${e.message.split("\n")[0]}`),
    );
  }
  const value: unknown = doc.toJS();
  const errors = validate(value);
  if (errors.length > 0) {
    throw new SandboxSeedError(
      path,
      errors.map((error) => {
        const keys = error.instancePath.split("/").slice(1);
        const node = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
        const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
        const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
        return pos ? `line ${pos.line}, column ${pos.col}: ${describe(error)}` : describe(error);
      }),
    );
  }
  return withStringTableIds(value as SandboxSeed);
}
