import type { TopLevelSpec } from 'vega-lite';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import type { LayerSpec, UnitSpec } from 'vega-lite/types_unstable/spec/index.js';
import { CHART_FONT } from './chart-fonts.js';
import { describeWindow, wallClockMs, zoneAbbreviation } from './wall-clock.js';
import type { WindowChartPanel, WindowChartSpec } from './window-chart-spec.js';

const PANEL_WIDTH = 720;
const PANEL_HEIGHT = 150;
const HOUR = 3_600_000;

interface Row {
  t: number;
  value: number;
  series: string;
  /** The series' only point in the window: drawn as a dot, since a one-point line draws nothing. */
  lonely: boolean;
}

/** The vega-lite spec of a window chart: one panel per row, the x axis in wall-clock time of the zone. */
export function buildWindowChart(spec: WindowChartSpec): TopLevelSpec {
  const x0 = wallClockMs(spec.from, spec.timeZone);
  const x1 = wallClockMs(spec.to, spec.timeZone);
  const span = spec.to - spec.from;
  const axisFormat = span <= 36 * HOUR ? '%H:%M' : '%b %-d %H:%M';
  const xTitle = `time in ${spec.timeZone} (${zoneAbbreviation(spec.to, spec.timeZone)})`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 16,
    title: {
      text: spec.title,
      subtitle: describeWindow(spec.from, spec.to, spec.timeZone),
      anchor: 'start',
      fontSize: 16,
      fontWeight: 600,
      subtitleFontSize: 12,
      subtitleColor: '#4b5563',
      offset: 12,
    },
    config: {
      font: CHART_FONT,
      view: { stroke: '#e5e7eb' },
      axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, gridColor: '#eef0f3' },
      legend: { labelFontSize: 11, symbolStrokeWidth: 3, labelLimit: 220 },
      range: { category: { scheme: 'tableau10' } },
    },
    spacing: 28,
    vconcat: spec.panels.map((panel, i) =>
      panelSpec(panel, spec, { x0, x1, axisFormat, xTitle, last: i === spec.panels.length - 1 }),
    ),
    resolve: { scale: { color: 'independent', y: 'independent' }, legend: { color: 'independent' } },
  };
}

function panelSpec(
  panel: WindowChartPanel,
  spec: WindowChartSpec,
  x: { x0: number; x1: number; axisFormat: string; xTitle: string; last: boolean },
): LayerSpec<Field> {
  const rows: Row[] = [];
  const names: string[] = [];
  for (const series of panel.series) {
    const inWindow = series.points.filter((p) => p.at >= spec.from && p.at <= spec.to);
    inWindow.sort((a, b) => a.at - b.at);
    // Distinct legend entries even if two series share a name; an empty series stays in the legend.
    let name = inWindow.length === 0 ? `${series.name} (no data)` : series.name;
    while (names.includes(name)) name = `${name} `;
    names.push(name);
    for (const p of inWindow)
      rows.push({
        t: wallClockMs(p.at, spec.timeZone),
        value: p.value,
        series: name,
        lonely: inWindow.length === 1,
      });
  }
  const values = rows.map((r) => r.value);
  const flat = values.length === 0 || values.every((v) => v === 0);
  const encoding: UnitSpec<Field>['encoding'] = {
    x: {
      field: 't',
      type: 'temporal',
      scale: { type: 'utc', domain: [x.x0, x.x1] },
      // A utc scale makes vega-lite format the labels with utcFormat: wall-clock time of the zone.
      axis: { title: x.last ? x.xTitle : null, format: x.axisFormat, labelFlush: true },
    },
    y: {
      field: 'value',
      type: 'quantitative',
      // All zeros (or nothing) gives vega a zero-width domain: pin it so the flat line sits on the floor.
      scale: flat ? { domain: [0, 1] } : { zero: true, nice: true },
      axis: { title: panel.unit || null, tickCount: 5 },
    },
    color: {
      field: 'series',
      type: 'nominal',
      scale: { domain: names },
      // Lines, not the dots vega-lite picks because of the point layer.
      legend: names.length ? { title: null, symbolType: 'stroke' } : null,
    },
  };
  const layers: UnitSpec<Field>[] = [
    { mark: { type: 'line', strokeWidth: 2, clip: true, interpolate: 'linear' }, encoding },
    {
      transform: [{ filter: 'datum.lonely' }],
      mark: { type: 'point', filled: true, size: 60, opacity: 1, clip: true },
      encoding,
    },
  ];
  if (rows.length === 0)
    layers.push({
      data: { values: [{}] },
      mark: { type: 'text', text: 'no data', fontSize: 14, color: '#6b7280' },
      encoding: { x: { value: PANEL_WIDTH / 2 }, y: { value: PANEL_HEIGHT / 2 } },
    });
  return {
    title: { text: panel.title, anchor: 'start', fontSize: 13, fontWeight: 600 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values: rows },
    layer: layers,
  };
}
