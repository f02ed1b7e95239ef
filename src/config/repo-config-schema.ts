import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv/dist/2020.js";

/** Where the definition of emi.config.yaml lives (JSON Schema 2020-12). */
const repoConfigSchemaUrl = new URL("../../schemas/emi-config.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

/** The compiled validator of emi.config.yaml, compiled once per process on first use. */
export function repoConfigValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(repoConfigSchemaUrl, "utf8")) as object;
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  compiled = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}
