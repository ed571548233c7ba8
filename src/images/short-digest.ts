import { code } from '../slack-text/code.js';

/** `sha256:0123456789ab…`: enough to tell builds apart in a line. */
export const shortDigest = (digest: string) => code(`${digest.slice(0, 19)}…`);
