// Bundles the CLI into dist/cli/ with esbuild (installed with tsx), so `emi` starts without
// tsx's loader (about 160 ms saved on every run). dist/cli/ sits at the same depth as src/cli/,
// so paths such as new URL("../../schemas/…", import.meta.url) resolve the same in both.
// bin/emi.js uses the bundle only while it is newer than every file under src/.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outdir: "dist/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
});
