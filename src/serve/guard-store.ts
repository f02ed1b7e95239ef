import type { Dialect } from "../store/migrations.ts";
import { describeStoreFailure, type StoreFailure } from "../store/store-failure.ts";

/** A store call failed because of the store's surroundings (disk full, PostgreSQL gone): 503. */
export class StoreUnavailableError extends Error {
  readonly failure: StoreFailure;
  constructor(failure: StoreFailure, options: { cause: unknown }) {
    super(`the ${failure.store} store is unavailable: ${failure.cause}`, options);
    this.name = "StoreUnavailableError";
    this.failure = failure;
  }
}

/**
 * `target` with every method's failures sorted: a store failure (see describeStoreFailure) is
 * rethrown as a StoreUnavailableError, anything else as it was. Methods run on the target itself
 * (its private fields stay reachable).
 */
export function guardStore<T extends object>(target: T, dialect: Dialect): T {
  const sort = (error: unknown): never => {
    const failure = describeStoreFailure(error, dialect);
    throw failure ? new StoreUnavailableError(failure, { cause: error }) : error;
  };
  return new Proxy(target, {
    get(object, name) {
      const value = Reflect.get(object, name, object);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const result = value.apply(object, args);
          return result instanceof Promise ? result.catch(sort) : result;
        } catch (error) {
          return sort(error);
        }
      };
    },
  });
}
