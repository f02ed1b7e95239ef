#!/usr/bin/env node
// Runs the CLI bundle built by `npm run build` (run by `npm ci` through `prepare`) while it is
// newer than every source file; otherwise runs the TypeScript sources through tsx, so an edited
// checkout never runs stale code. See docs/adr/0001-run-typescript-through-tsx.md.
// An installed package (npm pack, the container image) has no src/cli/: it always runs the bundle
// and needs neither tsx nor the sources.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = `${root}dist/cli/main.mjs`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    const mtime = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function bundleIsFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return built >= newestSource(`${root}src`) && built >= statSync(`${root}schemas`).mtimeMs;
  } catch {
    return false;
  }
}

let main;
if (!existsSync(`${root}src/cli`) || (process.env.EMI_NO_BUNDLE !== "1" && bundleIsFresh())) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv);
