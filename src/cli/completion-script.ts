import type { Command } from "commander";

/** A command's words for completion: its subcommands and its long options, with descriptions. */
interface Words {
  path: string[];
  subcommands: { name: string; description: string }[];
  options: { flag: string; description: string }[];
}

function wordsOf(command: Command, path: string[] = []): Words[] {
  const options = command.options
    .flatMap((option) => (option.long ? [{ flag: option.long, description: option.description }] : []))
    .concat([{ flag: "--help", description: "display help" }]);
  const subcommands = command.commands.map((sub) => ({ name: sub.name(), description: sub.description() }));
  return [
    { path, subcommands, options },
    ...command.commands.flatMap((sub) => wordsOf(sub, [...path, sub.name()])),
  ];
}

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function bash(all: Words[]): string {
  const cases = all
    .map((w) => {
      const words = [...w.subcommands.map((sub) => sub.name), ...w.options.map((o) => o.flag)].join(" ");
      return `    ${shellQuote(w.path.join(" ") || "-")}) echo ${shellQuote(words)} ;;`;
    })
    .join("\n");
  return `# emi completion for bash: source <(emi completion bash), or save it as
# ~/.local/share/bash-completion/completions/emi
_emi_words() {
  case "$1" in
${cases}
  esac
}
_emi() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" key words
  if [ "$COMP_CWORD" -le 1 ]; then key="-"
  elif [ "$COMP_CWORD" -eq 2 ]; then key="\${COMP_WORDS[1]}"
  else key="\${COMP_WORDS[1]} \${COMP_WORDS[2]}"
  fi
  words=$(_emi_words "$key")
  if [ -z "$words" ] && [ "$COMP_CWORD" -gt 2 ]; then words=$(_emi_words "\${COMP_WORDS[1]}"); fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _emi emi
`;
}

function zsh(all: Words[]): string {
  return `#compdef emi
# emi completion for zsh: save as _emi in a folder of $fpath, or source <(emi completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(all)}`;
}

function fish(all: Words[]): string {
  const lines = ["# emi completion for fish: save as ~/.config/fish/completions/emi.fish"];
  for (const w of all) {
    const condition =
      w.path.length === 0
        ? "__fish_use_subcommand"
        : w.path.length === 1
          ? `__fish_seen_subcommand_from ${w.path[0]}; and not __fish_seen_subcommand_from ${w.subcommands.map((s) => s.name).join(" ") || w.path[0]}`
          : `__fish_seen_subcommand_from ${w.path.at(-1)}`;
    for (const sub of w.subcommands)
      lines.push(
        `complete -c emi -f -n ${shellQuote(condition)} -a ${sub.name} -d ${shellQuote(sub.description)}`,
      );
    for (const option of w.options)
      lines.push(
        `complete -c emi -n ${shellQuote(condition)} -l ${option.flag.slice(2)} -d ${shellQuote(option.description)}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

export const completionShells = ["bash", "zsh", "fish"] as const;
export type CompletionShell = (typeof completionShells)[number];

/** The completion script of `program` (every command registered) for `shell`. */
export function completionScript(program: Command, shell: CompletionShell): string {
  const all = wordsOf(program);
  return shell === "bash" ? bash(all) : shell === "zsh" ? zsh(all) : fish(all);
}
