import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";

/** Where the one definition of a declaration lives (JSON Schema 2020-12). */
const integrationSchemaUrl = new URL("../../schemas/integration.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

/**
 * The compiled schema validator. Compiling costs tens of milliseconds, validating microseconds,
 * so it is compiled once per process, on first use (never at import time).
 */
export function integrationValidator(): ValidateFunction {
  compiled ??= compileIntegrationSchema();
  return compiled;
}

function compileIntegrationSchema(): ValidateFunction {
  const schema = JSON.parse(readFileSync(integrationSchemaUrl, "utf8")) as object;
  // verbose: errors carry their parent schema, whose property names feed "did you mean".
  // Loaded through require: ajv is ~100 CommonJS files, and routing each through the ESM loader
  // hooks that run TypeScript (tsx) costs more than compiling and using the schema.
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = (require("ajv-formats") as typeof import("ajv-formats")).default;
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
  addFormats(ajv, ["email"]);
  return ajv.compile(schema);
}

/** One failure as ajv reports it (with `verbose`: its data and parent schema). */
export type SchemaError = ErrorObject;
