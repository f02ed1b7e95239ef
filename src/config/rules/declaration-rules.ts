import { accountDeclaredTwice } from "./account-declared-twice.ts";
import { accountMismatchFilename } from "./account-mismatch-filename.ts";
import { entityTableShared } from "./entity-table-shared.ts";
import { literalSecret } from "./literal-secret.ts";
import { ownSister } from "./own-sister.ts";
import type { Rule } from "./rule.ts";
import {
  ageFileMissing,
  ageFileNotArmored,
  ageFileTooLarge,
  secretEnvNotAllowed,
  secretOutsideRepository,
} from "./secret-ref-confined.ts";
import { sisterClaimedTwice } from "./sister-claimed-twice.ts";
import { sisterHasOwnDeclaration } from "./sister-has-own-declaration.ts";

/** The checks that run after the schema, in the order their diagnostics are most useful. */
export const declarationRules: readonly Rule[] = [
  literalSecret,
  secretEnvNotAllowed,
  secretOutsideRepository,
  ageFileMissing,
  ageFileNotArmored,
  ageFileTooLarge,
  accountMismatchFilename,
  accountDeclaredTwice,
  ownSister,
  sisterClaimedTwice,
  sisterHasOwnDeclaration,
  entityTableShared,
];
