/**
 * The calendar form's fields, in order. A field maps one-to-one to a property of the admin API's
 * calendar schemas (schemas.ts); settings added later get a line here and a property there.
 */
export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'url' | 'email' | 'password' | 'number' | 'checkbox' | 'select';
  help?: string;
  /** Required when a calendar is created. */
  required?: boolean;
  /** Only on the create form (the slug names the calendar). */
  createOnly?: boolean;
  /** Only on the edit form. */
  updateOnly?: boolean;
  /** Empty means "no value" on update (null), not "unchanged". */
  clearable?: boolean;
}

export const calendarFields: FormField[] = [
  { name: 'slug', label: 'Slug', type: 'text', required: true, createOnly: true, help: 'used in API paths: lowercase letters, digits and "-"' },
  { name: 'displayName', label: 'Display name', type: 'text' },
  { name: 'url', label: 'CalDAV collection URL', type: 'url', required: true },
  { name: 'username', label: 'CalDAV user name', type: 'text', required: true },
  { name: 'password', label: 'CalDAV password', type: 'password', required: true, help: 'stored encrypted and never shown; on edit, leave empty to keep it' },
  { name: 'timeZone', label: 'Time zone', type: 'text', help: 'IANA name, e.g. Europe/Berlin' },
  { name: 'roomEmail', label: 'Room e-mail address', type: 'email', clearable: true, help: 'invitations to it are declined, not cancelled' },
  { name: 'autoClear', label: 'Clear on a schedule', type: 'checkbox' },
  { name: 'clearIntervalSeconds', label: 'Seconds between scheduled clears', type: 'number' },
  { name: 'horizonDays', label: 'Days a clear looks ahead', type: 'number' },
  { name: 'mailEnabled', label: 'Mail losing organizers', type: 'checkbox', updateOnly: true },
  { name: 'template', label: 'Mail template', type: 'select', updateOnly: true, clearable: true, help: 'empty: the built-in one' },
  { name: 'verify', label: 'Ask the CalDAV server first', type: 'checkbox' },
];

type Form = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[value.length - 1] : value);

/**
 * A submitted form as the admin API's JSON body: numbers as numbers (a non-number is passed on
 * as text so the API names the field), checkboxes as booleans, empty fields left out (or null
 * for clearable ones on update).
 */
export function formToBody(form: Form, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of calendarFields) {
    if ((mode === 'create' && field.updateOnly) || (mode === 'update' && field.createOnly)) continue;
    const raw = one(form[field.name]);
    if (field.type === 'checkbox') {
      body[field.name] = raw !== undefined;
      continue;
    }
    const value = raw?.trim() ?? '';
    if (value === '') {
      if (mode === 'update' && field.clearable) body[field.name] = null;
      continue;
    }
    body[field.name] = field.type === 'number' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return body;
}
