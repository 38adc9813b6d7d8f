import type { TemplateVariables } from '../src/index.js';

/** Wraps Liquid/MJML content in the smallest valid MJML document. */
export function mjmlDoc(content: string): string {
  return `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>${content}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

/**
 * Variables with distinct values everywhere. The start/end straddle the 2025 spring-forward in
 * Berlin (02:00 CET -> 03:00 CEST on 30 March), the creation date is in winter time.
 */
export function testVariables(overrides: Partial<TemplateVariables> = {}): TemplateVariables {
  return {
    name: 'Budget review',
    start: new Date('2025-03-30T00:30:00Z'),
    end: new Date('2025-03-30T01:30:00Z'),
    created: new Date('2025-01-14T07:33:20Z'),
    is_deleted: true,
    is_cancelled: false,
    is_recurring: false,
    is_priorized: false,
    is_deprioritized: true,
    organizer: 'alice@example.org',
    overlap_events: [
      {
        name: 'Board meeting',
        start: new Date('2025-07-14T12:00:00Z'),
        end: new Date('2025-07-14T13:00:00Z'),
        created: new Date('2025-02-10T11:33:39Z'),
        organizer: 'bob@example.org',
        is_priorized: true,
      },
      {
        name: 'Cleaning',
        start: new Date('2025-12-01T07:00:00Z'),
        end: new Date('2025-12-01T08:00:00Z'),
        created: null,
        organizer: null,
        is_priorized: false,
      },
    ],
    calendar_name: 'Room 4.01',
    ...overrides,
  };
}
