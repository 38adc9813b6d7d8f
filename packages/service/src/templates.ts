import { createEmailTemplatesRepository, type Database } from '@roombook/db';
import type * as Email from '@roombook/email';

import { TemplateInvalidError } from './errors.js';

/** MJML and liquidjs take a while to load: only template operations pay for that. */
function loadEmail(): Promise<typeof Email> {
  return import('@roombook/email');
}

function isTemplateError(error: unknown): error is Email.TemplateError {
  return error instanceof Error && error.name === 'TemplateError';
}

export interface TemplateText {
  subject: string;
  body: string;
}

/** Mail templates, shared by the CLI and the admin API: validated before they are stored. */
export function templateService(deps: { db: Database }) {
  const templates = createEmailTemplatesRepository(deps.db);

  async function render(label: string, template: TemplateText | null, timeZone: string) {
    const email = await loadEmail();
    try {
      return await email.previewTemplate(template, timeZone);
    } catch (error) {
      if (isTemplateError(error)) throw new TemplateInvalidError(`template "${label}" fails to render: ${error.message}`, error.part, error.line);
      throw error;
    }
  }

  return {
    /**
     * Creates or replaces a template after it parses, renders with every sample and gives valid
     * MJML; otherwise nothing is stored and the error names the part and line.
     */
    async set(input: { name: string } & TemplateText) {
      // A subject is one line; editors (and text areas) end it with a newline that must not reach the header.
      const subject = input.subject.replace(/\s+$/, '');
      const email = await loadEmail();
      try {
        await email.validateTemplate({ subject, body: input.body });
      } catch (error) {
        if (isTemplateError(error)) throw new TemplateInvalidError(`template "${input.name}" is invalid: ${error.message}`, error.part, error.line);
        throw error;
      }
      return templates.upsert({ name: input.name, subject, body: input.body });
    },

    list() {
      return templates.list();
    },

    /** The stored text of one template (NotFoundError when there is none of that name). */
    get(name: string) {
      return templates.requireByName(name);
    },

    /** Renders a stored template (`name`), or the built-in one (`null`), with sample data. */
    async preview(name: string | null, timeZone: string) {
      const stored = name === null ? null : await templates.requireByName(name);
      return render(name ?? 'default', stored && { subject: stored.subject, body: stored.body }, timeZone);
    },

    /** Renders unsaved text with sample data (an editor's live preview); nothing is stored. */
    async previewText(template: TemplateText, timeZone: string) {
      return render('draft', { subject: template.subject.replace(/\s+$/, ''), body: template.body }, timeZone);
    },
  };
}

export type TemplateService = ReturnType<typeof templateService>;
