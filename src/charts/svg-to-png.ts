import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { CHART_FONT, CHART_FONT_FILES } from './chart-fonts.js';

/** Device pixels per SVG pixel: Slack shows images on high-density screens. */
export const CHART_SCALE = 2;

const OPTIONS: ResvgRenderOptions = {
  font: {
    // Only the shipped font: the same PNG on a laptop, in CI and in the container.
    loadSystemFonts: false,
    fontFiles: [...CHART_FONT_FILES],
    defaultFontFamily: CHART_FONT,
    sansSerifFamily: CHART_FONT,
  },
  background: 'white',
  fitTo: { mode: 'zoom', value: CHART_SCALE },
  logLevel: 'off',
};

/** Rasterises an SVG on libuv's thread pool (not the event loop), fonts from the package only. */
export async function svgToPng(
  svg: string,
): Promise<{ png: Uint8Array; width: number; height: number; pixels: Uint8Array }> {
  // Loaded on first use, like vega: a native module workers that never draw need not map.
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(svg, OPTIONS);
  return {
    png: new Uint8Array(image.asPng()),
    width: image.width,
    height: image.height,
    pixels: image.pixels,
  };
}
