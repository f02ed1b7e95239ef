import { access } from "node:fs/promises";
import { join } from "node:path";
import { EmiError } from "../types/errors.ts";
import { repoRootOf } from "./load-repo-config.ts";
import { readSecret } from "./resolve-secret.ts";

/** The store key's age file, relative to the repository root. */
const STORE_KEY_AGE_FILE = "secrets/store-key.age";

/**
 * The store key kept age-encrypted in the declarations repository (`secrets/store-key.age`, to
 * `ageRecipients`), as the store's key lookup reads it: null when the repository has no such file,
 * the key's text when it decrypts with EMI_AGE_IDENTITY, an error saying why when it does not.
 */
export function repositoryStoreKey(
  dir: string,
  env: Record<string, string | undefined>,
  cwd: string,
): { place: string; read: () => Promise<string | null> } {
  const root = repoRootOf(dir, cwd);
  const place = join(root, STORE_KEY_AGE_FILE);
  return {
    place,
    read: async () => {
      if (
        !(await access(place).then(
          () => true,
          () => false,
        ))
      )
        return null;
      const reading = await readSecret(`age:${STORE_KEY_AGE_FILE}`, { env, cwd, root });
      if (reading.ok) return reading.value;
      throw new EmiError(`cannot read the store key: ${reading.message}`);
    },
  };
}
