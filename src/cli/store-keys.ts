import { repositoryStoreKey } from "../config/repository-store-key.ts";
import type { StoreKeyOptions } from "../store/store-key.ts";
import type { CliIO } from "./io.ts";

/**
 * Where a command looks for the store key (docs/privacy.md): EMI_STORE_KEY_FILE, the repository's
 * secrets/store-key.age (when the command knows the declarations folder), the file beside a SQLite
 * store. `optional` for commands that never identify an address (plan, state, api-key), so a pull
 * request's jobs never need the key.
 */
export function storeKeys(
  io: Pick<CliIO, "env" | "cwd">,
  dir: string | undefined,
  need: "required" | "optional" = "required",
): StoreKeyOptions {
  return {
    need,
    env: io.env,
    ...(dir !== undefined ? { repositoryKey: repositoryStoreKey(dir, io.env, io.cwd) } : {}),
  };
}
