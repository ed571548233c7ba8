import { defines } from './template-skeleton.js';

// Which credentials the chart's `opsbot.env` template hands a role: each `opsbot.secretEnv`
// include counts when the `if` conditions around it hold. The conditions there are simple
// (`eq`, `and`, `or`, `not` over `$role` and `$root.Values.slack.mode`), and so is this evaluator.

type Sexp = string | Sexp[];

function tokens(expr: string): string[] {
  return expr.match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
}

function read(toks: string[]): Sexp[] {
  const out: Sexp[] = [];
  while (toks.length > 0) {
    const t = toks.shift()!;
    if (t === '(') out.push(read(toks));
    else if (t === ')') return out;
    else out.push(t);
  }
  return out;
}

function evaluate(expr: Sexp[], vars: Record<string, string>): string | boolean {
  const [head, ...args] = expr;
  if (head === undefined) throw new Error('empty expression');
  if (args.length === 0) return atom(head, vars);
  const val = (a: Sexp) => (Array.isArray(a) ? evaluate(a, vars) : atom(a, vars));
  switch (head) {
    case 'eq':
      return val(args[0]!) === val(args[1]!);
    case 'and':
      return args.every((a) => val(a) === true);
    case 'or':
      return args.some((a) => val(a) === true);
    case 'not':
      return val(args[0]!) !== true;
    default:
      throw new Error(`unsupported function ${JSON.stringify(head)} in a condition`);
  }
}

function atom(a: Sexp, vars: Record<string, string>): string | boolean {
  if (Array.isArray(a)) return evaluate(a, vars);
  if (a.startsWith('"')) return a.slice(1, -1);
  if (a in vars) return vars[a]!;
  throw new Error(`unknown value ${a} in a condition`);
}

/** Secret variables `opsbot.env` gives `role` in Slack `mode`. */
export function roleSecretEnv(envTemplate: string, role: string, mode: string): string[] {
  const body = defines(envTemplate).get('opsbot.env');
  if (!body) throw new Error('no "opsbot.env" template');
  const vars = { $role: role, '$root.Values.slack.mode': mode };
  const stack: boolean[] = [];
  const out: string[] = [];
  for (const m of body.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)) {
    const action = m[1]!;
    if (action.startsWith('if ')) stack.push(evaluate(read(tokens(action.slice(3))), vars) === true);
    else if (action.startsWith('with ') || action.startsWith('range ')) stack.push(true);
    else if (action === 'else') stack.push(!stack.pop());
    else if (action === 'end') stack.pop();
    else if (action.includes('include "opsbot.secretEnv"') && stack.every(Boolean)) {
      const name = /"name"\s+"([A-Z_]+)"/.exec(action)?.[1];
      if (name) out.push(name);
    }
  }
  return out;
}
