import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formats from "ajv-formats";

/** Where the one definition of a declaration lives (JSON Schema 2020-12). */
export const integrationSchemaUrl = new URL("../../schemas/integration.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

/**
 * The compiled schema validator. Compiling costs tens of milliseconds, validating microseconds,
 * so it is compiled once per process, on first use (never at import time).
 */
export function integrationValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(integrationSchemaUrl, "utf8")) as object;
    // verbose: errors carry their parent schema, whose property names feed "did you mean".
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    // ajv-formats is CommonJS: its function is the module's `default` property under NodeNext.
    formats.default(ajv, ["email"]);
    compiled = ajv.compile(schema);
  }
  return compiled as ValidateFunction;
}

export type SchemaError = ErrorObject;
