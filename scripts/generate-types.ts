// Generates src/types/integration.ts from schemas/integration.schema.json; `--check` fails when it is stale.
import { readFile, writeFile } from "node:fs/promises";
import { compile } from "json-schema-to-typescript";

const schemaPath = new URL("../schemas/integration.schema.json", import.meta.url);
const outPath = new URL("../src/types/integration.ts", import.meta.url);

const schema = JSON.parse(await readFile(schemaPath, "utf8"));
const banner = "// Generated from schemas/integration.schema.json by `npm run types:generate`. Do not edit.";
const generated = await compile(schema, "Integration", {
  bannerComment: banner,
  additionalProperties: false,
  // Bounded lists (at most 20 campaigns) stay plain arrays rather than unions of tuples.
  ignoreMinAndMaxItems: true,
  style: { singleQuote: false, semi: true, printWidth: 110 },
});

if (process.argv.includes("--check")) {
  const current = await readFile(outPath, "utf8").catch(() => "");
  if (current !== generated) {
    console.error("src/types/integration.ts is stale: run `npm run types:generate` and commit the result.");
    process.exit(1);
  }
  console.log("src/types/integration.ts is up to date.");
} else {
  await writeFile(outPath, generated);
  console.log("wrote src/types/integration.ts");
}
