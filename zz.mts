import * as k from '@kubernetes/client-node';
for (const name of ['CoreV1Api','AppsV1Api','AutoscalingV2Api','CustomObjectsApi','EventsV1Api']) {
  const c = (k as any)[name];
  const names = Object.getOwnPropertyNames(c.prototype);
  console.log(name, names.length, names.filter(n=>!/Namespaced|ForAll|Node|Cluster|Custom|Namespace|Persistent|Component|Binding|ServiceAccount|Event/.test(n)).slice(0,30).join(','));
}
