import { EmiError } from "../types/errors.ts";

/** The declarations folder does not exist or is not a folder: a usage error, not an invalid file. */
export class DirectoryNotFoundError extends EmiError {
  constructor(
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the declarations folder ${JSON.stringify(dir)} does not exist or is not a folder (use --dir to name another)`,
      options,
    );
  }
}
