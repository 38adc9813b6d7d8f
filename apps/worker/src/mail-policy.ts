/**
 * Who may receive notification mails (issue 10). A booking's ORGANIZER is chosen by whoever wrote
 * the event, and a clear mails it from the organisation's address: without a limit, anyone with an
 * API key could make roombook mail any address. MAIL_ALLOWED_DOMAINS lists the domains allowed;
 * empty means the domains roombook already knows (calendars' room addresses, users' e-mails).
 * Domains match exactly, case-insensitively: `example.org` does not allow `mail.example.org`.
 */
export type RecipientCheck = (address: string) => boolean;

export function parseDomains(list: string): string[] {
  return list
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
    .filter((d) => d !== '');
}

export function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return address.slice(at + 1).trim().toLowerCase();
}

/** A check over a fixed set of domains. */
export function recipientCheck(domains: Iterable<string>): RecipientCheck {
  const allowed = new Set([...domains].map((d) => d.toLowerCase()));
  return (address) => {
    const domain = domainOf(address);
    return domain !== undefined && allowed.has(domain);
  };
}

/**
 * The check in force: the configured domains, or else the known addresses' domains (read when
 * asked, so a calendar or user added since counts).
 */
export function createMailPolicy(configured: string, knownAddresses: () => Promise<string[]>): () => Promise<RecipientCheck> {
  const fixed = parseDomains(configured);
  return async () => {
    if (fixed.length > 0) return recipientCheck(fixed);
    const domains = (await knownAddresses()).map(domainOf).filter((d): d is string => d !== undefined);
    return recipientCheck(domains);
  };
}

/** What the report says of a mail that was not sent. */
export const RECIPIENT_REFUSED = "not sent: the organizer's domain may not receive mail from roombook (MAIL_ALLOWED_DOMAINS)";
