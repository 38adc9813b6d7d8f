/**
 * The built-in notification, used when a calendar has no template of its own. It is an ordinary
 * Liquid + MJML template (it passes `validateTemplate`), so admins can copy it as a starting point:
 * `roombook template preview` prints it rendered with sample data.
 *
 * Content: what was removed and when, whether the whole event was deleted or one occurrence of a
 * series cancelled, why (an earlier booking; a prioritized event; a prioritized event despite this
 * one being prioritized too), and which event(s) now hold the room.
 */

/** Time range on one line: `Mon, 14 Jul 2025, 14:00 – 15:00 (Europe/Berlin)`; both dates when it spans days. */
const when = (start: string, end: string): string =>
  `{{ ${start} | date: '%a, %-d %b %Y, %H:%M' }} – ` +
  `{% assign rb_start_day = ${start} | date: '%Y-%m-%d' %}{% assign rb_end_day = ${end} | date: '%Y-%m-%d' %}` +
  `{% if rb_start_day == rb_end_day %}{{ ${end} | date: '%H:%M' }}{% else %}{{ ${end} | date: '%a, %-d %b %Y, %H:%M' }}{% endif %}` +
  ` ({{ ${start} | date: '%Z' }})`;

export const defaultSubjectTemplate =
  `{% if is_cancelled %}Occurrence cancelled{% else %}Booking removed{% endif %}: ` +
  `{{ name }} – {{ start | date: '%a, %-d %b %Y, %H:%M' }} ({{ calendar_name }})`;

export const defaultBodyTemplate = `<mjml lang="en">
  <mj-head>
    <mj-title>{% if is_cancelled %}Occurrence cancelled{% else %}Booking removed{% endif %}: {{ name }}</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="22px" color="#1f2933" padding="6px 24px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f3f4f6">
    <mj-section padding="24px 0 0 0">
      <mj-column background-color="#ffffff" padding="16px 0">
        <mj-text font-size="20px" line-height="28px" font-weight="bold">
          {% if is_cancelled %}One occurrence of your booking was cancelled{% else %}Your booking was removed{% endif %}
        </mj-text>
        <mj-text>
          <p>{% if is_cancelled %}One occurrence of your recurring booking{% else %}Your booking{% endif %} in <b>{{ calendar_name }}</b> {% if is_cancelled %}was cancelled{% else %}was deleted from the room's calendar{% endif %} because the room is already taken at that time.</p>
          <p><b>Event:</b> {{ name }}<br />
          <b>When:</b> ${when('start', 'end')}<br />
          <b>Room:</b> {{ calendar_name }}{% if is_cancelled %}<br />
          <b>Series:</b> only this occurrence is affected; the other dates of the series keep the room.{% endif %}</p>
        </mj-text>
        <mj-text>
          <p><b>Why:</b> {% if is_deprioritized %}you booked first, but a prioritized event needs the room and takes precedence over regular bookings.{% elsif is_priorized %}your event is prioritized, but another prioritized event had booked the room earlier.{% else %}another event had booked the room earlier.{% endif %}</p>
        </mj-text>
        <mj-divider border-width="1px" border-color="#d2d6dc" padding="12px 24px" />
        <mj-text>
          <p><b>The room is held by:</b></p>
          <ul>{% for e in overlap_events %}
            <li>{{ e.name }}{% if e.is_priorized %} (prioritized){% endif %}<br />${when('e.start', 'e.end')}{% if e.organizer %}<br />Organizer: {{ e.organizer }}{% endif %}</li>{% endfor %}
          </ul>
        </mj-text>
        <mj-text>
          <p>Please book another time or another room.</p>
        </mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="8px 0 24px 0">
      <mj-column>
        <mj-text font-size="12px" line-height="18px" color="#6b7280">
          This message was sent automatically by the room booking system because you organize the event above.
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;

/** The built-in template as a `{ subject, body }` pair. */
export const defaultTemplate: Readonly<{ subject: string; body: string }> = Object.freeze({
  subject: defaultSubjectTemplate,
  body: defaultBodyTemplate,
});
