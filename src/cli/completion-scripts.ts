/**
 * Shell completion scripts for bash, zsh and fish, generated from the commander program so they never drift from
 * the real commands and options. Server, tool and prompt names are completed at completion time by running
 * `mcp-host list <kind> --names --cached` (with the `--config` already typed on the line, if any), which lists
 * anew only when the names kept are older than 5 minutes or the config changed. A prompt's argument values
 * (`prompt weather.report city=Par<TAB>`) come from the server itself, through `mcp-host complete`.
 */

/** One option as the scripts need it. */
export interface OptionSpec {
  short?: string;
  long: string;
  description: string;
  takesValue: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
}

export interface CompletionSpec {
  commands: CommandSpec[];
  globalOptions: OptionSpec[];
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * What a positional argument completes to: a fixed list, names listed by `mcp-host list <kind> --names`, or (for a
 * `NAME=VALUE` word) the values the server offers for NAME of the first positional (`mcp-host complete`).
 */
type Completer = { words: readonly string[] } | { list: 'servers' | 'tools' | 'prompts' } | { values: 'prompt' };

const LIST_KINDS = ['tools', 'resources', 'templates', 'prompts', 'servers'];

/** Per command: the first positional, and the ones after it (for variadic arguments). */
const POSITIONALS: Record<string, { first: Completer; rest?: Completer }> = {
  discover: { first: { list: 'servers' }, rest: { list: 'servers' } },
  ping: { first: { list: 'servers' }, rest: { list: 'servers' } },
  list: { first: { words: LIST_KINDS }, rest: { list: 'servers' } },
  call: { first: { list: 'tools' } },
  bench: { first: { list: 'tools' } },
  schema: { first: { list: 'tools' } },
  prompt: { first: { list: 'prompts' }, rest: { values: 'prompt' } },
  read: { first: { list: 'servers' } },
  completion: { first: { words: SHELLS } },
  config: { first: { words: ['add', 'remove', 'list', 'import'] }, rest: { list: 'servers' } },
};

/** Options whose value is a path, completed as files (or directories for `--out`). */
const FILE_OPTIONS = new Set(['--config']);
const DIRECTORY_OPTIONS = new Set(['--out']);

export function completionScript(shell: Shell, spec: CompletionSpec): string {
  switch (shell) {
    case 'bash':
      return bashScript(spec);
    case 'zsh':
      return zshScript(spec);
    case 'fish':
      return fishScript(spec);
  }
}

function flagsOf(option: OptionSpec): string[] {
  return option.short ? [option.short, option.long] : [option.long];
}

function valueOptions(spec: CompletionSpec): string[] {
  const all = [...spec.globalOptions, ...spec.commands.flatMap((command) => command.options)];
  return [...new Set(all.filter((option) => option.takesValue).flatMap(flagsOf))];
}

/** Every spelling of the options whose long name is in `longs`, e.g. `-c` and `--config`. */
function flagsIn(spec: CompletionSpec, longs: ReadonlySet<string>): string[] {
  const all = [...spec.globalOptions, ...spec.commands.flatMap((command) => command.options)];
  return [...new Set(all.filter((option) => longs.has(option.long)).flatMap(flagsOf))];
}

function completerSh(completer: Completer | undefined): string {
  if (!completer) return 'return';
  if ('values' in completer) return '_mcp_host_values "$first"';
  if ('words' in completer) return `COMPREPLY=($(compgen -W "${completer.words.join(' ')}" -- "$cur"))`;
  return `COMPREPLY=($(compgen -W "$(_mcp_host_names ${completer.list})" -- "$cur"))`;
}

function bashScript(spec: CompletionSpec): string {
  const commandNames = [...spec.commands.map((command) => command.name), 'help'].join(' ');
  const globals = spec.globalOptions.flatMap((option) => flagsOf(option)).join(' ');
  const positionalCases = Object.entries(POSITIONALS)
    .map(
      ([name, { first, rest }]) =>
        `    ${name}) if ((position == 0)); then ${completerSh(first)}; else ${completerSh(rest)}; fi ;;`,
    )
    .join('\n');
  const optionCases = spec.commands
    .filter((command) => command.options.length > 0)
    .map((command) => `      ${command.name}) options+=" ${command.options.flatMap(flagsOf).join(' ')}" ;;`)
    .join('\n');
  return `# bash completion for mcp-host
# Install: mcp-host completion bash > ~/.local/share/bash-completion/completions/mcp-host
#      or: source <(mcp-host completion bash)

# mcp-host with its arguments, and the --config typed on this line.
_mcp_host_run() {
  local config=() i
  for ((i = 1; i < \${#COMP_WORDS[@]} - 1; i++)); do
    case \${COMP_WORDS[i]} in
      -c|--config) config=(--config "\${COMP_WORDS[i+1]}") ;;
    esac
  done
  mcp-host "\${config[@]}" --no-color "$@" 2>/dev/null
}

# Names from the config: mcp-host list <kind> --names --cached.
_mcp_host_names() {
  _mcp_host_run list "$1" --names --cached
}

# The values the server offers for the NAME=VALUE word at the cursor ($1: the prompt). The word is read from
# COMP_LINE, since bash splits it at "="; readline completes the part after "=", so the replies are values.
_mcp_host_values() {
  local line=\${COMP_LINE:0:COMP_POINT}
  local word=\${line##*[[:space:]]}
  [[ $word == *=* && -n $1 ]] || return
  local IFS=$'\n'
  COMPREPLY=($(_mcp_host_run complete "$1" "$word"))
  COMPREPLY=("\${COMPREPLY[@]// /\\ }")
}

_mcp_host() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local command="" first="" position=0 i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in
      ${valueOptions(spec).join('|')}) ((i++)) ;;
      -*) ;;
      *)
        if [[ -z $command ]]; then command=\${COMP_WORDS[i]}
        else [[ -z $first ]] && first=\${COMP_WORDS[i]}; ((position++)); fi ;;
    esac
  done
  case $prev in
    ${flagsIn(spec, FILE_OPTIONS).join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${flagsIn(spec, DIRECTORY_OPTIONS).join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ${valueOptions(spec).join('|')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    local options="${globals}"
    case $command in
${optionCases}
    esac
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi
  case $command in
    "") COMPREPLY=($(compgen -W "${commandNames}" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "${commandNames}" -- "$cur")) ;;
${positionalCases}
  esac
}

complete -F _mcp_host mcp-host
`;
}

/** Text inside a zsh single-quoted `_arguments`/`_describe` spec: quotes, colons and brackets escaped. */
function zshEscape(text: string): string {
  return text.replace(/'/g, `'\\''`).replace(/([:[\]])/g, '\\$1');
}

function zshOptionSpec(option: OptionSpec): string {
  const description = zshEscape(option.description);
  const value = option.takesValue
    ? FILE_OPTIONS.has(option.long)
      ? ':file:_files'
      : DIRECTORY_OPTIONS.has(option.long)
        ? ':directory:_files -/'
        : ':value: '
    : '';
  if (!option.short) return `'${option.long}[${description}]${value}'`;
  return `'(${option.short} ${option.long})'{${option.short},${option.long}}'[${description}]${value}'`;
}

function completerZsh(completer: Completer | undefined): string {
  if (!completer) return ':';
  if ('values' in completer) return '_mcp_host_values "$words[2]"';
  if ('words' in completer) return `compadd -- ${completer.words.join(' ')}`;
  return `names=(\${(f)"$(_mcp_host_names ${completer.list})"}); compadd -a names`;
}

function zshScript(spec: CompletionSpec): string {
  const commands = spec.commands.map((command) => `    '${zshEscape(command.name)}:${zshEscape(command.description)}'`);
  const positionalCases = Object.entries(POSITIONALS)
    .map(
      ([name, { first, rest }]) =>
        `        ${name}) if (( CURRENT == 2 )); then ${completerZsh(first)}; else ${completerZsh(rest)}; fi ;;`,
    )
    .join('\n');
  const optionCases = spec.commands
    .filter((command) => command.options.length > 0)
    .map((command) => `          ${command.name}) compadd -- ${command.options.flatMap(flagsOf).join(' ')} ;;`)
    .join('\n');
  return `#compdef mcp-host
# zsh completion for mcp-host
# Install: mcp-host completion zsh > "\${fpath[1]}/_mcp-host"
#      or: source <(mcp-host completion zsh)

# mcp-host with its arguments, and the --config typed on this line.
_mcp_host_run() {
  local -a config
  local file=\${opt_args[--config]:-\${opt_args[-c]}}
  [[ -n $file ]] && config=(--config "$file")
  mcp-host "\${config[@]}" --no-color "$@" 2>/dev/null
}

# Names from the config: mcp-host list <kind> --names --cached.
_mcp_host_names() {
  _mcp_host_run list "$1" --names --cached
}

# The values the server offers for the NAME=VALUE word at the cursor ($1: the prompt), through mcp-host complete.
_mcp_host_values() {
  [[ $PREFIX == *=* ]] || return
  local -a values
  values=(\${(f)"$(_mcp_host_run complete "$1" "$PREFIX")"})
  compset -P '*='
  compadd -a values
}

_mcp_host() {
  local curcontext=$curcontext state line ret=1
  local -a names
  typeset -A opt_args
  local -a commands=(
${commands.join('\n')}
    'help:show help for a command'
  )
  _arguments -C \\
${spec.globalOptions.map((option) => `    ${zshOptionSpec(option)} \\`).join('\n')}
    '1:command:->command' \\
    '*::argument:->argument' && ret=0
  case $state in
    command) _describe -t commands 'mcp-host command' commands && ret=0 ;;
    argument)
      if [[ $PREFIX == -* ]]; then
        case $words[1] in
${optionCases}
        esac
      else
        case $words[1] in
        help) _describe -t commands 'mcp-host command' commands ;;
${positionalCases}
        esac
      fi
      ret=0
      ;;
  esac
  return ret
}

if [[ $funcstack[1] == _mcp-host ]]; then
  _mcp_host "$@"
else
  compdef _mcp_host mcp-host
fi
`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishOption(option: OptionSpec, condition?: string): string {
  const parts = ['complete -c mcp-host'];
  if (condition) parts.push(`-n ${fishQuote(condition)}`);
  if (option.short) parts.push(`-s ${option.short.replace(/^-/, '')}`);
  parts.push(`-l ${option.long.replace(/^--/, '')}`);
  if (option.takesValue) {
    parts.push('-r');
    if (FILE_OPTIONS.has(option.long) || DIRECTORY_OPTIONS.has(option.long)) parts.push('-F');
  }
  parts.push(`-d ${fishQuote(option.description)}`);
  return parts.join(' ');
}

function completerFish(name: string, completer: Completer, position: 'first' | 'rest'): string {
  const condition = `__mcp_host_using ${name}; and __mcp_host_position ${position}`;
  const words =
    'values' in completer
      ? '(__mcp_host_values)'
      : 'words' in completer
        ? completer.words.join(' ')
        : `(__mcp_host_names ${completer.list})`;
  return `complete -c mcp-host -n ${fishQuote(condition)} -a ${fishQuote(words)}`;
}

function fishScript(spec: CompletionSpec): string {
  const valueFlags = valueOptions(spec).join(' ');
  const lines = [
    '# fish completion for mcp-host',
    '# Install: mcp-host completion fish > ~/.config/fish/completions/mcp-host.fish',
    '',
    '# The subcommand typed so far (option values skipped), and how many positionals follow it.',
    'function __mcp_host_words',
    '    set -l tokens (commandline -opc)',
    '    set -e tokens[1]',
    '    set -l skip 0',
    '    for token in $tokens',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        switch $token',
    `            case ${valueFlags}`,
    '                set skip 1',
    "            case '-*'",
    "            case '*'",
    '                echo $token',
    '        end',
    '    end',
    'end',
    'function __mcp_host_command',
    '    set -l words (__mcp_host_words)',
    '    test (count $words) -gt 0; and echo $words[1]',
    'end',
    'function __mcp_host_using',
    '    contains -- (__mcp_host_command) $argv',
    'end',
    'function __mcp_host_position',
    '    set -l count (count (__mcp_host_words))',
    '    if test $argv[1] = first',
    '        test $count -eq 1',
    '    else',
    '        test $count -gt 1',
    '    end',
    'end',
    '# mcp-host with its arguments, and the --config typed on this line.',
    'function __mcp_host_run',
    '    set -l tokens (commandline -opc)',
    '    set -l config',
    '    for i in (seq (count $tokens))',
    '        if contains -- $tokens[$i] --config -c; and test $i -lt (count $tokens)',
    '            set config --config $tokens[(math $i + 1)]',
    '        end',
    '    end',
    '    mcp-host $config --no-color $argv 2>/dev/null',
    'end',
    '# Names from the config: mcp-host list <kind> --names --cached.',
    'function __mcp_host_names',
    '    __mcp_host_run list $argv[1] --names --cached',
    'end',
    '# The values the server offers for the NAME=VALUE token at the cursor, as NAME=VALUE, through mcp-host complete.',
    'function __mcp_host_values',
    '    set -l token (commandline -ct)',
    "    string match -q -- '*=*' $token; or return",
    '    set -l words (__mcp_host_words)',
    '    set -l name (string split -m 1 = -- $token)[1]',
    '    for value in (__mcp_host_run complete $words[2] $token)',
    '        echo $name=$value',
    '    end',
    'end',
    '',
    'complete -c mcp-host -f',
    ...spec.globalOptions.map((option) => fishOption(option)),
    ...[...spec.commands, { name: 'help', description: 'show help for a command', options: [] }].map(
      (command) =>
        `complete -c mcp-host -n 'not __mcp_host_command' -a ${command.name} -d ${fishQuote(command.description)}`,
    ),
    ...spec.commands.flatMap((command) =>
      command.options.map((option) => fishOption(option, `__mcp_host_using ${command.name}`)),
    ),
    ...Object.entries(POSITIONALS).flatMap(([name, { first, rest }]) => [
      completerFish(name, first, 'first'),
      ...(rest ? [completerFish(name, rest, 'rest')] : []),
    ]),
    '',
  ];
  return lines.join('\n');
}
