import { isAbsolute, relative, resolve, sep } from "node:path";
import { EmiError } from "../types/errors.ts";

/** How package.json pins emi, and whether CI can reach it. */
export interface EmiSpec {
  /** The value of `dependencies.emi`. */
  spec: string;
  /** Set when the spec points outside the new repository (CI's checkout would not have it). */
  warning?: string;
}

const exactVersion = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const gitUrl = /^(git\+[a-z]+:|git:|github:|gitlab:|bitbucket:)|\.git(#|$)/;

/**
 * Turns `--emi-spec` into an exact pin: a version (`0.2.0`, never a range), a git URL with a tag
 * (`git+https://github.com/acme/emi.git#v0.2.0`), or a tarball (`./emi-0.2.0.tgz`, written as
 * `file:` relative to the new repository, so `npm ci` finds it in CI's checkout).
 */
export function resolveEmiSpec(given: string, targetDir: string, cwd: string): EmiSpec {
  const value = given.trim();
  if (exactVersion.test(value)) return { spec: value };
  if (gitUrl.test(value)) {
    if (!value.includes("#") || value.endsWith("#"))
      throw new EmiError(
        `--emi-spec ${value}: a git URL must name a tag (…#v0.2.0), so every install gets the same emi`,
      );
    return { spec: value };
  }
  if (value.endsWith(".tgz") || value.startsWith("file:") || /^(\.{1,2}\/|\/)/.test(value)) {
    const path = resolve(cwd, value.replace(/^file:/, ""));
    const fromTarget = relative(targetDir, path);
    const inside = !fromTarget.startsWith("..") && !isAbsolute(fromTarget);
    const posix = fromTarget.split(sep).join("/");
    return {
      spec: `file:${inside ? `./${posix}` : posix}`,
      ...(inside
        ? {}
        : {
            warning: `${value} is outside the new repository: CI's checkout will not have it; copy the tarball into the repository (e.g. vendor/) and run emi init --force --emi-spec with that path`,
          }),
    };
  }
  throw new EmiError(
    `--emi-spec ${value}: give an exact version (0.2.0), a tarball path (./emi-0.2.0.tgz) or a git URL with a tag (git+https://…/emi.git#v0.2.0); a range would let CI run another emi than the one you reviewed`,
  );
}
