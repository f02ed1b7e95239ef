/** Where terminal output goes, and the environment that says how to treat it. */
interface Stream {
  isTTY?: boolean;
}
type Env = Record<string, string | undefined>;

/**
 * Whether to colour output on `stream`: `NO_COLOR` (set and not empty) turns colours off,
 * `FORCE_COLOR` turns them on even in a pipe (`FORCE_COLOR=0` or `false`: off), `TERM=dumb` turns
 * them off; otherwise colours go to a terminal only.
 */
export function useColor(stream: Stream, env: Env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** Whether a live progress bar (which redraws lines) may be drawn: a terminal that is not `TERM=dumb`. */
export function useLiveProgress(stream: Stream, env: Env): boolean {
  return stream.isTTY === true && env.TERM !== "dumb";
}
