CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, password_hash TEXT);
CREATE TABLE IF NOT EXISTS principals (id INTEGER PRIMARY KEY ASC, uri TEXT UNIQUE, email TEXT, displayname TEXT, vcardurl TEXT);
CREATE TABLE IF NOT EXISTS groupmembers (id INTEGER PRIMARY KEY ASC, principal_id INTEGER, member_id INTEGER, UNIQUE(principal_id, member_id));
CREATE TABLE IF NOT EXISTS calendarobjects (id INTEGER PRIMARY KEY ASC, calendardata BLOB, uri TEXT, calendarid INTEGER, lastmodified INTEGER, etag TEXT, size INTEGER, componenttype TEXT, firstoccurence INTEGER, lastoccurence INTEGER);
CREATE TABLE IF NOT EXISTS calendars (id INTEGER PRIMARY KEY ASC, principaluri TEXT, displayname TEXT, uri TEXT, ctag INTEGER, description TEXT, calendarorder INTEGER, calendarcolor TEXT, timezone TEXT, components TEXT, transparent BOOL);
