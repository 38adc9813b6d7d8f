<?php
// php setup.php DATA_DIR USER:PASSWORD:EMAIL...
// Creates the SQLite schema of Debian's php-sabre-dav examples (users table for Basic auth instead of
// Digest) and one principal, with its calendar proxies, per user.
$dir = $argv[1];
$pdo = new PDO('sqlite:' . $dir . '/db.sqlite');
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$pdo->exec(file_get_contents(__DIR__ . '/schema.sql'));
foreach (array_slice($argv, 2) as $spec) {
    [$user, $password, $email] = explode(':', $spec, 3);
    $pdo->prepare('INSERT OR REPLACE INTO users (username, password_hash) VALUES (?, ?)')
        ->execute([$user, password_hash($password, PASSWORD_DEFAULT)]);
    foreach (["principals/$user", "principals/$user/calendar-proxy-read", "principals/$user/calendar-proxy-write"] as $i => $uri) {
        $pdo->prepare('INSERT OR IGNORE INTO principals (uri, email, displayname) VALUES (?, ?, ?)')
            ->execute([$uri, $i ? null : $email, $i ? null : $user]);
    }
}
