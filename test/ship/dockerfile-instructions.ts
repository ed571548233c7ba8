/** One Dockerfile instruction, continuation lines joined, with the stage it belongs to. */
export interface Instruction {
  keyword: string;
  args: string;
  /** Index of the stage (0 = first FROM); -1 before the first FROM (global ARGs). */
  stage: number;
  line: number;
}

export interface Stage {
  index: number;
  name?: string;
  /** The FROM image with `${ARG}` defaults substituted. */
  image: string;
  instructions: Instruction[];
}

/** Enough of the Dockerfile grammar to check what an image will contain: comments, `\` continuations, stages. */
export function parseDockerfile(text: string): { instructions: Instruction[]; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let stage = -1;
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return;
    if (pending === '') startLine = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\w+)\s*(.*)$/s.exec(full);
    if (!match) throw new Error(`line ${startLine}: not an instruction: ${full}`);
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage += 1;
    instructions.push({ keyword, args: match[2] ?? '', stage, line: startLine });
  });
  const globals = new Map<string, string>();
  for (const ins of instructions.filter((x) => x.stage === -1 && x.keyword === 'ARG')) {
    const [name, value] = ins.args.split('=');
    if (name && value !== undefined) globals.set(name.trim(), value.trim());
  }
  const stages: Stage[] = [];
  for (const from of instructions.filter((x) => x.keyword === 'FROM')) {
    const words = from.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    const image = (words[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_m, name: string) => globals.get(name) ?? '');
    const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
    stages.push({
      index: from.stage,
      ...(asIndex >= 0 && words[asIndex + 1] ? { name: words[asIndex + 1] } : {}),
      image,
      instructions: instructions.filter((x) => x.stage === from.stage),
    });
  }
  return { instructions, stages };
}

/** The JSON-array (exec) form of CMD/ENTRYPOINT/HEALTHCHECK CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const start = args.indexOf('[');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(args.slice(start));
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
