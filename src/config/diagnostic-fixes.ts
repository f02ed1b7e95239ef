import type { DiagnosticCode, PlanProblemCode } from "../types/diagnostic-code.ts";

/**
 * One-line meanings of the codes the plan finds on a change (PLAN_PROBLEM_CODES); the validation
 * codes have theirs in diagnostic-codes.ts. docs/reference/diagnostics.md is generated from both.
 */
export const planProblemSummaries: Readonly<Record<PlanProblemCode, string>> = {
  "actito-unavailable":
    "Actito could not be reached or answered with an error, so the live facts are unknown.",
  "key-rejected": "Actito refused the declared API key on the declared endpoint.",
  "entity-missing": "The licence behind the key has no entity of the declared name.",
  "table-missing": "The entity has no profile table of the declared name.",
  "table-ambiguous": "The entity has several profile tables and the declaration names none.",
  "reaid-attribute-conflict":
    "The REAID attribute exists in Actito but cannot hold REAIDs (not CUSTOM STRING unique); emi never writes to it.",
  "reaid-values-not-emi": "The REAID attribute holds values emi did not write.",
  "unmanaged-conflict":
    "An account is already held in the registry by an integration this repository does not manage.",
  "account-held":
    "An account is still held by another integration of this repository whose deactivation is blocked.",
  "claim-order":
    "A claim apply could not honour in this plan's order (an owner claimed as a sister, a release that will not run).",
  "secret-unavailable": "The API key's variable or file is not available here (a fork's pull request).",
  "secret-unusable":
    "The API key cannot be used: an age file the identities cannot decrypt, or a reference outside the allow-list or the repository.",
  "realtime-needs-public-url": "realtime: true needs EMI_PUBLIC_URL where plan and apply run.",
  "link-without-reaid": "A campaign link to the customer's site does not carry the REAID parameter.",
  "campaign-unreadable": "A declared campaign could not be read from Actito.",
};

/**
 * What to do about each code emi reports: docs/reference/diagnostics.md prints it beside the
 * meaning. The Record type makes a new code without a fix a type error, and a test checks that the
 * generated reference lists every code.
 */
export const diagnosticFixes: Readonly<Record<DiagnosticCode, string>> = {
  "file-too-large": "Split the file or remove what is not a declaration: a declaration is a few lines.",
  "not-utf8": "Save the file as UTF-8 text (the message names the first byte that is not).",
  "duplicate-declaration-file": "Keep one of `1042.yaml` and `1042.yml`: delete the other.",
  "symlinked-declaration":
    "Put the declaration itself (a regular file) in the folder; emi never follows links.",
  "unreadable-file": "Make the file readable by the user emi runs as (permissions, a broken checkout).",
  "unreadable-folder":
    "Make the folder listable by the user emi runs as, or remove it: an unreadable folder could hide a declaration, so it is an error, never skipped.",
  "yaml-syntax": "Fix the YAML at the line and column shown (a missing colon, an unclosed quote or bracket).",
  "yaml-warning":
    "Read the parser's message at the position shown (for example a key or tag it ignores) and rewrite the value so it says what you mean.",
  "duplicate-key": "Remove one of the two keys; YAML keeps only one value.",
  "tab-indent": "Indent with spaces only, 2 per level.",
  "bad-indent": "Indent the line to the level of the key it belongs to (spaces, 2 per level).",
  "too-many-aliases": "Write the values out instead of using YAML anchors and aliases.",
  "multiple-documents": "Keep one document: remove the `---` separators and the extra documents.",
  "empty-file":
    "Write the declaration, or delete the file (removing a declaration needs `--allow-deactivate`).",
  "not-a-map": "Write the declaration as `key: value` lines (`account:`, `provider:`, `actito:`).",
  "unknown-key": "Remove the key or correct its spelling (the message suggests the closest field).",
  "missing-field": "Add the field named in the message (see the declaration reference).",
  "wrong-type": "Write a value of the type the field takes (a number without quotes, a list in `[ ]`…).",
  "invalid-value": "Use one of the values the field allows (see the declaration reference).",
  "duplicate-item": "Remove the repeated item from the list.",
  "config-unreadable":
    "Make emi.config.yaml readable by the user emi runs as, or remove it to use the defaults.",
  "account-declared-twice": "Keep each account in one file only.",
  "account-mismatch-filename":
    "Make `account:` equal the file name (`integrations/1042.yaml` declares 1042).",
  "entity-table-shared":
    "Make one integration a sister of the other (`sisterAccounts`) instead of declaring the same table twice.",
  "literal-secret":
    "Encrypt the key into the repository (`emi secret encrypt --account N`) and reference it: `apiKey: { secretRef: age:secrets/N.age }`.",
  "own-sister": "Remove the account from its own `sisterAccounts`.",
  "secret-env-not-allowed":
    "Use a variable matching `secretEnvAllowList` in emi.config.yaml (default `ACTITO_*`), or an `age:` file.",
  "secret-outside-repository":
    "Use a path inside the repository, without `..`, absolute paths or symbolic links out.",
  "age-file-missing": "Create it with `emi secret encrypt --account N` and commit it with the declaration.",
  "age-file-not-armored":
    "Re-create it with `emi secret encrypt` (it writes ASCII armour: `-----BEGIN AGE ENCRYPTED FILE-----`).",
  "age-file-too-large":
    "Check that the reference names the key's file; write the key again with `emi secret encrypt --account <account> --force` (an encrypted key is under 1 KiB).",
  "sister-claimed-twice": "Keep the account in one integration's `sisterAccounts` only.",
  "sister-has-own-declaration": "Remove the account from `sisterAccounts`, or remove its own declaration.",
  "actito-unavailable":
    "Check the network to Actito (or `EMI_ACTITO_URL` for the sandbox) and plan again; the message names what failed.",
  "key-rejected":
    "Check the key is current and not revoked; when the message says the key works on another endpoint, set `actito.endpoint` to it.",
  "entity-missing":
    "Correct `actito.entity` to an entity of the licence (Actito names them after the licence by default).",
  "table-missing": "Correct `actito.profileTable` to one of the tables the message lists.",
  "table-ambiguous": "Declare `actito.profileTable`: the message lists the entity's tables.",
  "reaid-attribute-conflict":
    "Declare another `actito.reaidAttribute`, or have a person fix the attribute in Actito; emi never changes an existing attribute.",
  "reaid-values-not-emi":
    "If the values are REAIDs, set `adoptExistingReaids: true`; otherwise declare another `reaidAttribute`.",
  "unmanaged-conflict":
    "Remove the integration where it was created (Raptor's web form, another repository), or leave the account out.",
  "account-held": "Apply with `--allow-deactivate` so the integration holding the account is released first.",
  "claim-order":
    "Split the change into two pull requests: first release the account, then claim it; apply refuses the whole plan.",
  "secret-unavailable":
    "Nothing, on a fork's pull request (plan still runs); where apply runs, provide the variable, file or `EMI_AGE_IDENTITY`.",
  "secret-unusable":
    "Re-encrypt the file to the current recipients (`emi secret rekey`), or fix the reference (allow-list, path inside the repository).",
  "realtime-needs-public-url":
    "Set `EMI_PUBLIC_URL` (the public https URL of `emi serve`) where plan and apply run, or remove `realtime: true`.",
  "link-without-reaid":
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Actito's personalisation syntax, written literally.
    "Add `reaid=${reaid}` (the declared `linkParameter` and `reaidAttribute`) to the link in Actito.",
  "campaign-unreadable":
    "Check the campaign id or name in `actito.campaigns` and that the key may read campaigns; the message has Actito's answer.",
};
