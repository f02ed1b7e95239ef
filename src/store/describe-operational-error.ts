const sqliteHints: Record<string, string> = {
  SQLITE_NOTADB:
    "the file is not an emi store (or is corrupted): check --store / EMI_STORE, or restore it from a backup",
  SQLITE_CORRUPT: "the store file is corrupted: restore it from a backup (emi never repairs it in place)",
  SQLITE_CANTOPEN: "check that the store's folder exists and that this user may write to it",
  SQLITE_READONLY:
    "check that this user may write to the store file and its folder (and that the disk is not mounted read-only)",
  SQLITE_PERM: "check that this user may read and write the store file and its folder",
  SQLITE_FULL: "the disk holding the store is full: free space and run again",
  SQLITE_BUSY: "another process holds the store: wait for it, or check for a stuck emi process",
};

const systemHints: Record<string, string> = {
  EACCES: "check the permissions of the file or folder for the user that runs emi",
  EPERM: "check the permissions of the file or folder for the user that runs emi",
  ENOSPC: "the disk is full: free space and run again",
  EROFS: "the file system is read-only: point emi at a writable place",
  EIO: "the disk reported an I/O error: check it",
  EMFILE: "too many open files: raise the limit (ulimit -n)",
  EADDRINUSE: "the port is already in use (EADDRINUSE): stop what runs there, or choose another port",
  EADDRNOTAVAIL: "this machine has no such address (EADDRNOTAVAIL): check the host to listen on",
};

/**
 * What to tell a person about a failure that is not a bug in emi but a fault of its surroundings:
 * the store's SQLite file (corrupted, read-only, disk full) or the file system (permissions, space).
 * Undefined for anything else, which stays "this is a bug". The text quotes the error's message: the
 * printer makes it terminal-safe.
 */
export function describeOperationalError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return undefined;
  const first = error.message.split("\n")[0] ?? "";
  if (code.startsWith("SQLITE_")) {
    const base = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
    const hint =
      sqliteHints[code] ??
      sqliteHints[base] ??
      (base === "SQLITE_IOERR"
        ? "the disk reported an I/O error on the store file: check the disk and free space"
        : undefined);
    return `the SQLite store failed (${code}: ${first})${hint ? `: ${hint}` : ": check the store file and its disk"}`;
  }
  const hint = systemHints[code];
  return hint ? `${first}: ${hint}` : undefined;
}
