<?php
// SabreDAV 1.8 (Debian's php-sabre-dav, the engine of Nextcloud's CalDAV) as a CalDAV test server:
// Basic auth against a users table, calendars in SQLite. Started by src/sabredav.ts:
//   SABRE_DATA=/state/dir php -S 127.0.0.1:PORT server.php
// No scheduling plugin: 1.8 has no implicit scheduling (its outbox only hands iTIP to iMIP mail).
date_default_timezone_set('UTC');
require_once 'Sabre/autoload.php'; // /usr/share/php is on PHP's default include_path

$dataDir = getenv('SABRE_DATA');
if (!$dataDir) { http_response_code(500); exit("SABRE_DATA is not set\n"); }
$pdo = new \PDO('sqlite:' . $dataDir . '/db.sqlite');
$pdo->setAttribute(\PDO::ATTR_ERRMODE, \PDO::ERRMODE_EXCEPTION);
// php -S serves one request at a time, but the harness may PUT while a test reads: wait, don't fail.
$pdo->exec('PRAGMA busy_timeout = 5000');

set_error_handler(function ($no, $str, $file, $line) {
    if (!(error_reporting() & $no)) return false;                       // respect @-suppression
    if ($no === E_DEPRECATED || $no === E_USER_DEPRECATED) return true;  // PHP 8.2 deprecations in 2013 code
    throw new \ErrorException($str, 0, $no, $file, $line);
});

// 1.8's PDO auth backend does Digest only; roombook logs in with Basic.
class BasicPdoAuth extends \Sabre\DAV\Auth\Backend\AbstractBasic {
    private $pdo;
    function __construct(\PDO $pdo) { $this->pdo = $pdo; }
    protected function validateUserPass($username, $password) {
        $st = $this->pdo->prepare('SELECT password_hash FROM users WHERE username = ?');
        $st->execute([$username]);
        $hash = $st->fetchColumn();
        return $hash !== false && password_verify($password, $hash);
    }
}

$principalBackend = new \Sabre\DAVACL\PrincipalBackend\PDO($pdo);
$calendarBackend = new \Sabre\CalDAV\Backend\PDO($pdo);
$server = new \Sabre\DAV\Server([
    new \Sabre\CalDAV\Principal\Collection($principalBackend),
    new \Sabre\CalDAV\CalendarRootNode($principalBackend, $calendarBackend),
]);
$server->setBaseUri('/');
$server->addPlugin(new \Sabre\DAV\Auth\Plugin(new BasicPdoAuth($pdo), 'SabreDAV'));
$server->addPlugin(new \Sabre\DAVACL\Plugin());
$server->addPlugin(new \Sabre\CalDAV\Plugin());
$server->exec();
