/**
 * The Redis pub/sub channel on which admin operations announce that API keys or calendar grants
 * changed (a key revoked, a grant taken away, a user or calendar deleted or edited). Every API
 * process subscribes and drops its in-process access cache at once. Shared here so publisher
 * (@roombook/service) and subscriber (the API) cannot drift apart.
 */
export function accessChangesChannel(prefix: string): string {
  return `${prefix}:access-changed`;
}
