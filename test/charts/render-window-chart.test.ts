import { describe, expect, it } from 'vitest';
import { renderWindowChart, renderWindowChartSvg } from '../../src/charts/render-window-chart.js';
import { CHART_SCALE, svgToPng } from '../../src/charts/svg-to-png.js';
import type { WindowChartSpec } from '../../src/charts/window-chart-spec.js';

const FROM = Date.UTC(2026, 2, 5, 15, 0); // 09:00 in Chicago (CST), 15:00 in London (GMT)
const TO = FROM + 3 * 3_600_000;
const minutes = (n: number) => Array.from({ length: n }, (_, i) => FROM + i * 60_000);

function workshopSpec(overrides: Partial<WindowChartSpec> = {}): WindowChartSpec {
  return {
    title: 'Workshop k8s-101',
    from: FROM,
    to: TO,
    timeZone: 'America/Chicago',
    panels: [
      {
        title: 'Provisioner queue wait (s)',
        unit: 'seconds',
        series: [
          {
            name: 'us-east-2',
            points: minutes(180).map((at, i) => ({ at, value: Math.max(0, 40 * Math.sin(i / 20)) })),
          },
          { name: 'eu-west-2', points: minutes(180).map((at, i) => ({ at, value: i % 30 })) },
        ],
      },
      {
        title: 'Workspaces',
        unit: 'workspaces',
        series: [{ name: 'running', points: minutes(180).map((at, i) => ({ at, value: Math.min(i, 120) })) }],
      },
    ],
    ...overrides,
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which a valid PNG has right after the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Pixels that are not (near) white in the RGBA rectangle [x0,x1) × [y0,y1). */
function inked(
  img: { pixels: Uint8Array; width: number },
  box: { x0: number; x1: number; y0: number; y1: number },
): number {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++)
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * img.width + x) * 4;
      if (img.pixels[i]! < 200 || img.pixels[i + 1]! < 200 || img.pixels[i + 2]! < 200) n++;
    }
  return n;
}

describe('renderWindowChart', () => {
  it('renders a PNG of plausible size and dimensions', async () => {
    const png = await renderWindowChart(workshopSpec());
    const { width, height } = pngSize(png);
    // Two 720×150 panels plus axes, legend and titles, at 2× for high-density screens.
    expect(width).toBeGreaterThan(720 * CHART_SCALE);
    expect(width).toBeLessThan(1200 * CHART_SCALE);
    expect(height).toBeGreaterThan(2 * 150 * CHART_SCALE);
    expect(height).toBeLessThan(700 * CHART_SCALE);
    expect(png.byteLength).toBeGreaterThan(10_000);
    expect(png.byteLength).toBeLessThan(1_000_000);
  });

  it('is deterministic for the same input', async () => {
    const a = await renderWindowChart(workshopSpec());
    const b = await renderWindowChart(workshopSpec());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const [svgA, svgB] = [
      await renderWindowChartSvg(workshopSpec()),
      await renderWindowChartSvg(workshopSpec()),
    ];
    expect(svgA === svgB).toBe(true);
  });

  it('puts the titles, units, series and window into the drawing', async () => {
    const svg = await renderWindowChartSvg(workshopSpec());
    for (const text of [
      'Workshop k8s-101',
      'Provisioner queue wait (s)',
      'Workspaces',
      'seconds',
      'us-east-2',
      'eu-west-2',
      'running',
      'Thu, Mar 5, 2026 09:00 – 12:00 CST',
      'time in America/Chicago (CST)',
    ])
      expect(svg).toContain(text);
  });

  it('draws the text with the shipped font, not the host’s (none are loaded)', async () => {
    const text = await svgToPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-family="sans-serif" font-size="18">Queue wait</text></svg>',
    );
    expect(inked(text, { x0: 0, x1: text.width, y0: 0, y1: text.height })).toBeGreaterThan(200);

    // The chart's title band (16 px padding, then the 16 px title) is ink, not blank.
    const chart = await svgToPng(await renderWindowChartSvg(workshopSpec()));
    const band = { x0: 0, x1: 300 * CHART_SCALE, y0: 14 * CHART_SCALE, y1: 36 * CHART_SCALE };
    expect(inked(chart, band)).toBeGreaterThan(300);
  });

  it('labels the x axis in wall-clock time of the given zone, whatever the server’s zone', async () => {
    const chicago = await renderWindowChartSvg(workshopSpec());
    expect(chicago).toMatch(/>09:00</);
    expect(chicago).toMatch(/>12:00</);
    expect(chicago).not.toMatch(/>15:00</);

    const london = await renderWindowChartSvg(workshopSpec({ timeZone: 'Europe/London' }));
    expect(london).toMatch(/>15:00</);
    expect(london).toContain('time in Europe/London (GMT)');

    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Tokyo';
      const inTokyo = await renderWindowChartSvg(workshopSpec());
      process.env.TZ = 'UTC';
      const inUtc = await renderWindowChartSvg(workshopSpec());
      // Booleans: a failing comparison of two 40 kB strings would bury the report.
      expect(inTokyo === inUtc).toBe(true);
      expect(inTokyo === chicago).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('shows days on the axis for windows over a day and a half', async () => {
    const svg = await renderWindowChartSvg(workshopSpec({ to: FROM + 3 * 86_400_000 }));
    expect(svg).toMatch(/>Mar 6 \d\d:\d\d</);
  });

  it('renders empty, single-point, all-zero and out-of-window series without throwing', async () => {
    const spec = workshopSpec({
      panels: [
        {
          title: 'Provisioner queue wait (s)',
          unit: 's',
          series: [
            { name: 'empty', points: [] },
            { name: 'outside', points: [{ at: FROM - 60_000, value: 5 }] },
          ],
        },
        {
          title: 'Workspaces',
          unit: '',
          series: [{ name: 'one', points: [{ at: FROM + 3_600_000, value: 3 }] }],
        },
        {
          title: 'Flat',
          unit: 's',
          series: [{ name: 'zeros', points: minutes(5).map((at) => ({ at, value: 0 })) }],
        },
        { title: 'Nothing', unit: '', series: [] },
      ],
    });
    const svg = await renderWindowChartSvg(spec);
    expect(svg.match(/no data</g)?.length).toBe(2); // the two panels without a point
    expect(svg).toContain('empty (no data)');
    const png = await renderWindowChart(spec);
    expect(pngSize(png).height).toBeGreaterThan(4 * 150 * CHART_SCALE);
  });

  it('refuses a spec it cannot draw', async () => {
    await expect(renderWindowChart(workshopSpec({ to: FROM }))).rejects.toThrow(/after/);
    await expect(renderWindowChart(workshopSpec({ timeZone: 'Mars/Olympus' }))).rejects.toThrow(/time zone/);
    await expect(
      renderWindowChart(
        workshopSpec({
          panels: [
            { title: 'x', unit: '', series: [{ name: 'a', points: [{ at: FROM, value: Number.NaN }] }] },
          ],
        }),
      ),
    ).rejects.toThrow();
    await expect(renderWindowChart(workshopSpec({ panels: [] }))).rejects.toThrow();
  });
});
