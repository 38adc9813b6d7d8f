import { describe, expect, it } from 'vitest';
import {
  defaultTemplate,
  formatDateTime,
  previewTemplate,
  renderNotification,
  sampleVariables,
  TemplateError,
  validateTemplate,
} from '../src/index.js';
import { mjmlDoc, testVariables } from './helpers.js';

const tz = 'Europe/Berlin';

async function renderBody(content: string, variables = testVariables(), timeZone = tz) {
  return renderNotification({ template: { subject: 'Subject', body: mjmlDoc(content) }, variables, timeZone });
}

describe('renderNotification: variables', () => {
  const everything = [
    '<p>name=[{{ name }}]</p>',
    '<p>start=[{{ start }}]</p>',
    '<p>end=[{{ end }}]</p>',
    '<p>created=[{{ created }}]</p>',
    '<p>is_deleted=[{{ is_deleted }}] is_cancelled=[{{ is_cancelled }}] is_recurring=[{{ is_recurring }}]</p>',
    '<p>is_priorized=[{{ is_priorized }}] is_deprioritized=[{{ is_deprioritized }}]</p>',
    '<p>organizer=[{{ organizer }}]</p>',
    '<p>calendar_name=[{{ calendar_name }}]</p>',
    '{% for e in overlap_events %}',
    '<p>o{{ forloop.index }}.name=[{{ e.name }}] o{{ forloop.index }}.is_priorized=[{{ e.is_priorized }}]</p>',
    '<p>o{{ forloop.index }}.start=[{{ e.start }}]</p>',
    '<p>o{{ forloop.index }}.end=[{{ e.end }}]</p>',
    '<p>o{{ forloop.index }}.created=[{{ e.created }}]</p>',
    '<p>o{{ forloop.index }}.organizer=[{{ e.organizer }}]</p>',
    '{% endfor %}',
  ].join('\n');

  const expected = [
    'name=[Budget review]',
    // 00:30Z is 01:30 CET, 01:30Z is 03:30 CEST: the DST jump is applied.
    'start=[Sun, 30 Mar 2025, 01:30 (Europe/Berlin)]',
    'end=[Sun, 30 Mar 2025, 03:30 (Europe/Berlin)]',
    'created=[Tue, 14 Jan 2025, 08:33 (Europe/Berlin)]',
    'is_deleted=[true] is_cancelled=[false] is_recurring=[false]',
    'is_priorized=[false] is_deprioritized=[true]',
    'organizer=[alice@example.org]',
    'calendar_name=[Room 4.01]',
    'o1.name=[Board meeting] o1.is_priorized=[true]',
    // Summer time in July, winter time in December.
    'o1.start=[Mon, 14 Jul 2025, 14:00 (Europe/Berlin)]',
    'o1.end=[Mon, 14 Jul 2025, 15:00 (Europe/Berlin)]',
    'o1.created=[Mon, 10 Feb 2025, 12:33 (Europe/Berlin)]',
    'o1.organizer=[bob@example.org]',
    'o2.name=[Cleaning] o2.is_priorized=[false]',
    'o2.start=[Mon, 1 Dec 2025, 08:00 (Europe/Berlin)]',
    'o2.end=[Mon, 1 Dec 2025, 09:00 (Europe/Berlin)]',
    'o2.created=[]',
    'o2.organizer=[]',
  ];

  it('renders every seed variable into the HTML and the text part', async () => {
    const { html, text } = await renderBody(everything);
    for (const line of expected) {
      expect(html).toContain(line);
      expect(text).toContain(line);
    }
  });

  it('renders the subject as plain text on one line, without HTML escaping', async () => {
    const { subject } = await renderNotification({
      template: { subject: 'Removed:\n  {{ name }} <{{ organizer }}> & {{ calendar_name }}', body: mjmlDoc('x') },
      variables: testVariables({ name: 'R&D "sync"' }),
      timeZone: tz,
    });
    expect(subject).toBe('Removed: R&D "sync" <alice@example.org> & Room 4.01');
  });

  it('shows datetimes in the calendar zone (another zone, another wall time)', async () => {
    const { text } = await renderBody('{{ start }} / {{ end }}', testVariables(), 'America/New_York');
    expect(text).toContain('Sat, 29 Mar 2025, 20:30 (America/New_York) / Sat, 29 Mar 2025, 21:30 (America/New_York)');
  });

  it('uses the locale for the default format', async () => {
    const { text } = await renderNotification({
      template: { subject: 's', body: mjmlDoc('{{ start }}') },
      variables: testVariables(),
      timeZone: tz,
      locale: 'de-DE',
    });
    expect(text).toContain('So., 30. März 2025, 01:30 (Europe/Berlin)');
    expect(formatDateTime(new Date('2025-07-14T12:00:00Z'), 'Europe/Berlin')).toBe('Mon, 14 Jul 2025, 14:00 (Europe/Berlin)');
  });

  it('refuses an unknown time zone', async () => {
    await expect(renderBody('x', testVariables(), 'Mars/Olympus')).rejects.toThrow(/unknown time zone: Mars\/Olympus/);
  });
});

describe('date filter', () => {
  it('formats in the calendar zone, DST-correct, with strftime codes', async () => {
    const { text } = await renderBody(
      "{{ start | date: '%Y-%m-%d %H:%M %z' }}|{{ end | date: '%Y-%m-%d %H:%M %z' }}|{{ end | date: '%A %-d %B %Y, %I:%M %p %Z' }}",
    );
    expect(text).toContain('2025-03-30 01:30 +0100|2025-03-30 03:30 +0200|Sunday 30 March 2025, 03:30 AM Europe/Berlin');
  });

  it('accepts an explicit zone and has the xmlschema variant', async () => {
    const { text } = await renderBody(
      "{{ start | date: '%H:%M %Z', 'Asia/Tokyo' }}|{{ start | date_to_xmlschema }}|{{ created | date: '%d.%m.%Y' }}",
    );
    expect(text).toContain('09:30 Asia/Tokyo|2025-03-30T01:30:00+01:00|14.01.2025');
  });

  it('compares datetimes as instants and leaves null alone', async () => {
    const vars = testVariables();
    const { text } = await renderBody(
      "{% if start < end %}ordered{% endif %}|{{ overlap_events[1].created | date: '%Y' }}|{% if overlap_events[1].created %}set{% else %}unset{% endif %}",
      vars,
    );
    expect(text).toContain('ordered||unset');
  });
});

describe('escaping', () => {
  it('HTML-escapes variables in the body; the text part shows them literally', async () => {
    const name = '<script>alert("x")</script> & <b>Co</b>';
    const { html, text } = await renderBody('<p>[{{ name }}]</p>', testVariables({ name }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Co</b>');
    expect(html).toContain('[&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;]');
    expect(text).toContain(`[${name}]`);
  });

  it('escapes quotes inside attributes', async () => {
    const { html } = await renderBody(
      '<a href="https://rooms.example.org/?q={{ name }}">link</a>',
      testVariables({ name: '" onmouseover="alert(1)' }),
    );
    expect(html).toContain('href="https://rooms.example.org/?q=&#34; onmouseover=&#34;alert(1)"');
  });
});

describe('seed template ported from Jinja2', () => {
  // The seed's Jinja2 with the Liquid changes a port needs: `elif` -> `elsif`,
  // `loop.index` -> `forloop.index`, `.strftime(...)` -> `| date: ...`.
  const seed = {
    subject: '{% if is_cancelled %}Termin abgesagt{% else %}Termin gelöscht{% endif %}: {{ name }}',
    body: `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>
          <p>Hallo {{ organizer }},</p>
          {% if is_deleted %}<p>dein Termin "{{ name }}" am {{ start | date: '%d.%m.%Y um %H:%M' }} wurde aus {{ calendar_name }} gelöscht.</p>
          {% elsif is_cancelled %}<p>ein Termin deiner Serie "{{ name }}" am {{ start | date: '%d.%m.%Y' }} wurde abgesagt.</p>{% endif %}
          {% if is_deprioritized %}<p>Ein priorisierter Termin hat Vorrang.</p>{% endif %}
          <ul>{% for e in overlap_events %}
            <li>{{ forloop.index }}. {{ e.name }} ({{ e.start | date: '%H:%M' }}–{{ e.end | date: '%H:%M' }}){% if e.organizer %}, {{ e.organizer }}{% endif %}{% if e.is_priorized %} [priorisiert]{% endif %}</li>{% endfor %}
          </ul>
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
  };

  it('validates and renders both branches', async () => {
    await validateTemplate(seed);
    const deleted = await renderNotification({ template: seed, variables: testVariables(), timeZone: tz });
    expect(deleted.subject).toBe('Termin gelöscht: Budget review');
    expect(deleted.text).toContain('Hallo alice@example.org,');
    expect(deleted.text).toContain('dein Termin "Budget review" am 30.03.2025 um 01:30 wurde aus Room 4.01 gelöscht.');
    expect(deleted.text).toContain('Ein priorisierter Termin hat Vorrang.');
    expect(deleted.text).toContain('1. Board meeting (14:00–15:00), bob@example.org [priorisiert]');
    expect(deleted.text).toContain('2. Cleaning (08:00–09:00)');
    expect(deleted.text).not.toContain('abgesagt');

    const cancelled = await renderNotification({
      template: seed,
      variables: testVariables({ is_deleted: false, is_cancelled: true, is_recurring: true, is_deprioritized: false }),
      timeZone: tz,
    });
    expect(cancelled.subject).toBe('Termin abgesagt: Budget review');
    expect(cancelled.text).toContain('ein Termin deiner Serie "Budget review" am 30.03.2025 wurde abgesagt.');
    expect(cancelled.text).not.toContain('Vorrang');
  });
});

describe('built-in default template', () => {
  it('is valid and explains a deleted booking', async () => {
    await validateTemplate(defaultTemplate);
    const r = await renderNotification({ template: null, variables: testVariables({ is_deprioritized: false }), timeZone: tz });
    expect(r.subject).toBe('Booking removed: Budget review – Sun, 30 Mar 2025, 01:30 (Room 4.01)');
    expect(r.text).toContain('Your booking in Room 4.01 was deleted from the room\'s calendar');
    expect(r.text).toContain('When: Sun, 30 Mar 2025, 01:30 – 03:30 (Europe/Berlin)');
    expect(r.text).toContain('Why: another event had booked the room earlier.');
    expect(r.text).toContain('Board meeting (prioritized)');
    expect(r.text).toContain('Mon, 14 Jul 2025, 14:00 – 15:00 (Europe/Berlin)');
    expect(r.text).toContain('Organizer: bob@example.org');
    expect(r.html).toContain('<!doctype html>');
  });

  it('explains a cancelled occurrence, deprioritized', async () => {
    const r = await previewTemplate(null, tz, { variables: sampleVariables('cancelled') });
    expect(r.subject).toBe('Occurrence cancelled: Job Interviews – Mon, 14 Jul 2025, 14:00 (Meeting room 2)');
    expect(r.text).toContain('One occurrence of your recurring booking in Meeting room 2 was cancelled');
    expect(r.text).toContain('only this occurrence is affected');
    expect(r.text).toContain('Why: you booked first, but a prioritized event needs the room');
    expect(r.text).toContain('Works Council & Board (prioritized)');
    expect(r.html).toContain('Works Council &amp; Board');
  });

  it('explains a prioritized event that lost to an earlier prioritized one', async () => {
    const r = await renderNotification({
      template: null,
      variables: testVariables({ is_priorized: true, is_deprioritized: false }),
      timeZone: tz,
    });
    expect(r.text).toContain('Why: your event is prioritized, but another prioritized event had booked the room earlier.');
  });

  it('previewTemplate renders a custom template with sample data', async () => {
    const r = await previewTemplate({ subject: '{{ calendar_name }}', body: mjmlDoc('{{ name }} {{ start }}') }, 'UTC');
    expect(r.subject).toBe('Meeting room 1');
    expect(r.text).toBe('Fundraising Weekly Tue, 15 Jul 2025, 08:00 (UTC)');
  });

  it('runtime template errors are TemplateErrors', async () => {
    await expect(renderBody('{{ name | nosuchfilter }}')).rejects.toBeInstanceOf(TemplateError);
  });
});
