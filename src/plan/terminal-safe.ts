// C0 controls except tab and newline, DEL, C1 controls, Unicode line/paragraph separators and the
// bidirectional overrides that can make a terminal show text other than what it is ("Trojan Source").
const unsafe = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
// The colour sequences picocolors writes (SGR): the only escape sequences emi itself prints.
const colour = /\u001B\[[0-9;]*m/g;

function escapeOne(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === "\r") return "\\r";
  if (ch === "\u001B") return "\\e";
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

function escapeControls(text: string): string {
  return text.replace(unsafe, escapeOne);
}

/**
 * Text that is safe to print to a terminal or a CI log, whatever values it quotes: control
 * characters (ESC, `\r`, …) are shown escaped (`\e`, `\r`), and no line starts with `::`, which
 * GitHub Actions would run as a workflow command (`::error …`, `::add-mask::`, `::stop-commands::`);
 * such a line gets a leading backslash. With `keepColour`, emi's own colour codes are kept.
 * Every text renderer passes its output through this; `--format github` (real workflow commands)
 * does not.
 */
export function terminalSafe(text: string, options: { keepColour?: boolean } = {}): string {
  let safe: string;
  if (options.keepColour) {
    const parts = text.split(colour);
    const codes = text.match(colour) ?? [];
    safe = parts.map((part, i) => escapeControls(part) + (codes[i] ?? "")).join("");
  } else {
    safe = escapeControls(text);
  }
  // The runner trims leading white space before looking for "::". Colour codes before the
  // colons would not hide them from a log viewer that strips colours, so they are skipped too.
  return safe.replace(/^((?:[ \t]|\u001B\[[0-9;]*m)*)::/gm, "$1\\::");
}
