const NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

/** codersdk.NameValid: workspace, template and user names. */
export function nameValid(name: string): boolean {
  if (name.length < 1 || name.length > 32) return false;
  if (name === 'new' || name === 'create') return false;
  return NAME.test(name);
}
