import { envNameAllowed } from "../load-repo-config.ts";
import type { ParsedDeclaration } from "../parse-declaration.ts";
import { confinedPath, MAX_SECRET_FILE_BYTES, secretPathOf } from "../secret-path.ts";
import type { Rule, RuleContext } from "./rule.ts";
import type { ValidationCode } from "../../types/diagnostic-code.ts";

const POINTER = "/actito/apiKey/secretRef";
const DEFAULT_ALLOW_LIST = ["ACTITO_*"];

/** The secretRef string of a parsed file, when it has one. */
function secretRefOf(source: ParsedDeclaration): string | null {
  const actito = source.value?.actito as Record<string, unknown> | undefined;
  const apiKey = actito?.apiKey as Record<string, unknown> | undefined;
  const ref = apiKey?.secretRef;
  return typeof ref === "string" ? ref : null;
}

function eachRef(ctx: RuleContext, visit: (source: ParsedDeclaration, ref: string) => void): void {
  for (const source of ctx.documents) {
    const ref = secretRefOf(source);
    if (ref !== null) visit(source, ref);
  }
}

/**
 * `env:NAME` may only name a variable of the allow-list: a declaration must not be able to send
 * GITHUB_TOKEN or EMI_STORE to a server of its choosing as an "API key".
 */
export const secretEnvNotAllowed: Rule = {
  code: "secret-env-not-allowed",
  summary:
    "secretRef env:NAME must name a variable of secretEnvAllowList (default ACTITO_*, set in emi.config.yaml).",
  check(ctx) {
    const allowList = ctx.secrets?.envAllowList ?? DEFAULT_ALLOW_LIST;
    eachRef(ctx, (source, ref) => {
      if (!ref.startsWith("env:")) return;
      const name = ref.slice(4);
      if (envNameAllowed(name, allowList)) return;
      ctx.report(source, POINTER, "value", {
        code: this.code,
        message: `env:${name} is not an allowed secret variable (allowed: ${allowList.join(", ")}): name the key's variable e.g. ACTITO_KEY_${String(source.value?.account ?? "1042")}, or add a pattern to secretEnvAllowList in emi.config.yaml`,
      });
    });
  },
};

/** `file:` and `age:` paths stay inside the repository: no `..` escape, no absolute path out, no symbolic link out. */
export const secretOutsideRepository: Rule = {
  code: "secret-outside-repository",
  summary:
    "secretRef file:PATH and age:PATH must name a file inside the repository (no .., no absolute path or symbolic link leading out).",
  check(ctx) {
    eachRef(ctx, (source, ref) => {
      const target = secretPathOf(ref);
      if (!target) return;
      const root = ctx.secrets?.root;
      const lexicallyOut =
        root !== undefined
          ? confinedPath(target.path, root) === null
          : target.path.startsWith("/") || target.path.split(/[\\/]/).includes("..");
      const linkOut = !lexicallyOut && ctx.secrets?.paths.get(ref)?.realPathInside === false;
      if (!lexicallyOut && !linkOut) return;
      ctx.report(source, POINTER, "value", {
        code: this.code,
        message: linkOut
          ? `${ref} leads outside the repository through a symbolic link: secret files must be inside the repository`
          : `${ref} is outside the repository: write a path relative to the repository root, without .., e.g. ${target.scheme}:secrets/${String(source.value?.account ?? "1042")}${target.scheme === "age" ? ".age" : ".key"}`,
      });
    });
  },
};

function ageRule(
  code: ValidationCode,
  finding: "missing" | "not-age" | "too-large",
  summary: string,
  message: (path: string, account: string) => string,
): Rule {
  return {
    code,
    summary,
    check(ctx) {
      eachRef(ctx, (source, ref) => {
        if (!ref.startsWith("age:") || ctx.secrets?.paths.get(ref)?.age !== finding) return;
        const account = String(source.value?.account ?? "<account>");
        ctx.report(source, POINTER, "value", { code, message: message(ref.slice(4), account) });
      });
    },
  };
}

/** An `age:` reference names a file that exists in the repository (validate may say so: it is committed). */
export const ageFileMissing = ageRule(
  "age-file-missing",
  "missing",
  "secretRef age:PATH must name a file of the repository.",
  (path, account) =>
    `${path} is not in the repository: create it with npx emi secret encrypt --account ${account} and commit it`,
);

/** An `age:` file starts with the ASCII armor header. */
export const ageFileNotArmored = ageRule(
  "age-file-not-armored",
  "not-age",
  "secretRef age:PATH must name an ASCII-armored age file (-----BEGIN AGE ENCRYPTED FILE-----).",
  (path, account) =>
    `${path} is not an ASCII-armored age file (it must start with -----BEGIN AGE ENCRYPTED FILE-----): write it with npx emi secret encrypt --account ${account}, or age -a`,
);

/** An `age:` file is small enough to be read as a secret (plan would otherwise call it "not readable"). */
export const ageFileTooLarge = ageRule(
  "age-file-too-large",
  "too-large",
  `secretRef age:PATH must name a file of at most ${MAX_SECRET_FILE_BYTES / 1024} KiB (an encrypted key is under 1 KiB).`,
  (path, account) =>
    `${path} is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB, so emi will not read it as a secret (an encrypted API key is under 1 KiB): is it the right file? Write the key again with npx emi secret encrypt --account ${account} --force`,
);
