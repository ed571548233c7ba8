import { createRequire } from 'node:module';

/** The one family charts use; the files ship in an npm package so output never depends on the host's fonts. */
export const CHART_FONT = 'Inter';

const require = createRequire(import.meta.url);

/** Inter (SIL OFL 1.1) regular and semibold, from @expo-google-fonts/inter. */
export const CHART_FONT_FILES: readonly string[] = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
];
