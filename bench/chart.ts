import { performance } from 'node:perf_hooks';
import { renderWindowChart, renderWindowChartSvg } from '../src/charts/render-window-chart.js';
import { svgToPng } from '../src/charts/svg-to-png.js';
import type { WindowChartSpec } from '../src/charts/window-chart-spec.js';

// Render time of the workshop summary chart: a 3-hour window, a point a minute, two panels.
const RUNS = Number(process.env.BENCH_CHART_RUNS ?? 10);
const from = Date.UTC(2026, 2, 5, 15);
const minutes = Array.from({ length: 180 }, (_, i) => from + i * 60_000);
const spec: WindowChartSpec = {
  title: 'Workshop k8s-101',
  from,
  to: from + 3 * 3_600_000,
  timeZone: 'America/Chicago',
  panels: [
    {
      title: 'Provisioner queue wait (s)',
      unit: 's',
      series: ['us-east-2', 'us-west-2', 'eu-west-2'].map((name, k) => ({
        name,
        points: minutes.map((at, i) => ({ at, value: Math.max(0, 30 * Math.sin((i + 20 * k) / 15)) })),
      })),
    },
    {
      title: 'Workspaces',
      unit: 'workspaces',
      series: [{ name: 'running', points: minutes.map((at, i) => ({ at, value: Math.min(i, 120) })) }],
    },
  ],
};

const first = performance.now();
const png = await renderWindowChart(spec);
const coldMs = performance.now() - first;
const svg: number[] = [];
const raster: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const text = await renderWindowChartSvg(spec);
  const t1 = performance.now();
  await svgToPng(text);
  svg.push(t1 - t0);
  raster.push(performance.now() - t1);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `\nCHART: workshop summary (2 panels, 4 series, 180 points each), ${RUNS} runs after a cold one\n`,
);
console.log('stage                              median ms');
console.log(`vega-lite → vega → SVG             ${median(svg).toFixed(0).padStart(9)}`);
console.log(`SVG → PNG (resvg, 2×)              ${median(raster).toFixed(0).padStart(9)}`);
console.log(`total (first render, cold)         ${coldMs.toFixed(0).padStart(9)}`);
console.log(`PNG size                           ${(png.byteLength / 1024).toFixed(0).padStart(6)} KB`);
