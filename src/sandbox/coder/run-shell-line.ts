/** Just enough of bash for a smoke test: `echo`, a few builtins, and "command not found" for the rest. */

const BUILTINS: Record<string, (args: string[], workspace: string) => string> = {
  echo: (args) => (args[0] === '-n' ? args.slice(1).join(' ') : `${args.join(' ')}\n`),
  true: () => '',
  pwd: () => '/home/coder\n',
  whoami: () => 'coder\n',
  hostname: (_args, workspace) => `coder-${workspace}-0\n`,
};

/** Words of one simple command, with single and double quotes removed as the shell would. */
function words(command: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(command); m !== null; m = re.exec(command)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

export interface ShellResult {
  /** What the terminal shows, with the pty's `\r\n` line endings. */
  output: string;
  exit: boolean;
}

/**
 * Runs one line the way `bash -c` (`interactive: false`) or an interactive bash would, sequencing
 * `;` and `&&` (the latter stops at the first unknown command).
 */
export function runShellLine(line: string, workspace: string, interactive: boolean): ShellResult {
  let output = '';
  for (const segment of line.split(/;|&&/)) {
    const [name, ...args] = words(segment);
    if (name === undefined) continue;
    if (name === 'exit') return { output: output.replaceAll('\n', '\r\n'), exit: true };
    const builtin = BUILTINS[name];
    if (builtin) {
      output += builtin(args, workspace);
      continue;
    }
    output += interactive
      ? `bash: ${name}: command not found\n`
      : `bash: line 1: ${name}: command not found\n`;
    if (line.includes('&&')) break;
  }
  return { output: output.replaceAll('\n', '\r\n'), exit: false };
}
