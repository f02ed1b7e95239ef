import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { npmEnv } from "./npm-env.ts";

const root = join(import.meta.dirname, "../..");

/**
 * Runs `npm pack` in the checkout (its prepare script rebuilds the bundle) into `destination` and
 * returns the tarball's path.
 */
export function packEmi(destination: string): string {
  execFileSync("npm", ["pack", "--pack-destination", destination, "--silent"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: npmEnv(),
  });
  const [tarball] = readdirSync(destination).filter((f) => /^emi-.*\.tgz$/.test(f));
  if (!tarball) throw new Error(`npm pack wrote no emi-*.tgz in ${destination}`);
  return join(destination, tarball);
}

/** The package-lock.json of the checkout: what the image's `npm ci --omit=dev` installs from. */
export const checkoutLockfile = join(root, "package-lock.json");
