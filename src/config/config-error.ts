export interface ConfigProblem {
  /** The environment variable at fault, e.g. `SLACK_BOT_TOKEN`. */
  variable: string;
  /** What is wrong, phrased for an operator; never contains the variable's value. */
  problem: string;
}

/** Every configuration problem found at start, reported together so one restart fixes them all. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.variable}: ${p.problem}`);
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
