/**
 * Access actions (`scale.apply`, inventory `access.twoPerson`) as people say them, for refusals shown in
 * Slack. The audit keeps the action names themselves: that is what the inventory and a search match on.
 */
const FOR_PEOPLE: Record<string, string> = {
  'scale.apply': 'scaling',
  'rotation.pause': 'pausing key rotation',
  'rotation.resume': 'resuming key rotation',
  'dns.update': 'changing a DNS record',
  'dns.delete': 'deleting a DNS record',
  'dns.sync': 'syncing DNS records to the inventory',
  'dns.rollback': 'rolling back a DNS change',
  'images.sync': 'syncing the image mirror',
  'flag.set': 'setting an ops flag',
};

/** `scale.apply` → `scaling`; an action without a name of its own is shown as code. */
export function actionForPeople(action: string): string {
  return FOR_PEOPLE[action] ?? `\`${action}\``;
}
