/**
 * The environment for npm and npx run in another folder: without the npm_* variables of an outer
 * `npm run` (npm_config_local_prefix would make npm act on the checkout, npx find its emi), NODE_PATH
 * or vitest's own; the user's npm configuration (HOME/.npmrc: registry, proxy, nodedir) stays.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$|VITEST|TEST$)/i.test(name),
    ),
  );
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}
