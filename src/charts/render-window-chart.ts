import { buildWindowChart } from './build-window-chart.js';
import { svgToPng } from './svg-to-png.js';
import { WindowChartSpec } from './window-chart-spec.js';

/**
 * vega's logger interface. Warnings are about our own spec and would only clutter the bot's output;
 * errors are kept so a chart that vega could not draw fails instead of coming out half empty.
 */
function collectingLogger(errors: string[]) {
  const logger = {
    level: (_level?: number) => logger,
    error: (...args: readonly unknown[]) => {
      errors.push(args.map(String).join(' '));
      return logger;
    },
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** vega numbers clip paths from a process-wide counter; renumbered, the same spec gives the same SVG. */
function renumberClipPaths(svg: string): string {
  const ids = new Map<string, string>();
  // Only in `id="clipN"` and `url(#clipN)`: a title that says "clip7" stays as written.
  return svg.replace(/(id="|url\(#)(clip\d+)/g, (_, before: string, id: string) => {
    let renamed = ids.get(id);
    if (!renamed) {
      renamed = `clip${ids.size + 1}`;
      ids.set(id, renamed);
    }
    return `${before}${renamed}`;
  });
}

/** The window chart as SVG (the stage tests read text from); throws a ZodError on a bad spec. */
export async function renderWindowChartSvg(input: WindowChartSpec): Promise<string> {
  const spec = WindowChartSpec.parse(input);
  const errors: string[] = [];
  const logger = collectingLogger(errors);
  // Loaded on first use: vega and vega-lite add ~45 MB to every worker, and only summaries draw charts.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = compile(buildWindowChart(spec), { logger: logger as never }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logger: logger as never });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`chart: ${errors.join('; ')}`);
    return renumberClipPaths(svg);
  } finally {
    view.finalize();
  }
}

/**
 * A PNG of `spec` (see `WindowChartSpec`), e.g. the workshop summary's provisioner queue wait and
 * workspace count: vega-lite → vega (headless) → SVG → resvg with the shipped font. Empty series,
 * single points and all-zero series render (a "no data" note, a dot, a flat line); never throws for
 * a valid spec.
 */
export async function renderWindowChart(spec: WindowChartSpec): Promise<Uint8Array> {
  return (await svgToPng(await renderWindowChartSvg(spec))).png;
}
