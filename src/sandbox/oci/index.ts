export { MediaType } from './media-types.js';
export type { RegistryAuthConfig } from './registry-auth.js';
export { RegistryStore, type SeedOptions, type StoredImage } from './registry-store.js';
export {
  type RegistrySandbox,
  type RegistrySandboxOptions,
  startRegistrySandbox,
} from './start-registry-sandbox.js';
