/** `repo@sha256:…` (or `docker-pullable://repo@sha256:…`) → `sha256:…`; as /diagnose's image-digest check reads it. */
export function digestOfImageId(imageID: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(imageID)?.[1];
}
