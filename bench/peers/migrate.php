<?php
// Peer of `tcadmin migrate-secrets --execute`: convert every legacy secret to v2 row by row,
// as the app's own code would: read the legacy rows, decrypt, encrypt with a random IV, and
// write each one with a prepared compare-and-set UPDATE in autocommit.
// Prints "migrated=N bad=N skipped=N"; exit 0 when every legacy row was converted.
declare(strict_types=1);
require __DIR__ . '/common.php';

$key = bench_env('BENCH_APP_KEY');
$pdo = bench_connect();
$table = bench_table('user_option');
$select = $pdo->prepare("SELECT id, value FROM $table WHERE `option` = ? AND value NOT LIKE ? AND value NOT IN ('', '0')");
$select->execute(['secret', 'v2:%']);
$rows = $select->fetchAll(PDO::FETCH_NUM);

$update = $pdo->prepare("UPDATE $table SET value = ? WHERE id = ? AND value = ?");
$migrated = $bad = $skipped = 0;
foreach ($rows as [$id, $value]) {
    $plain = decrypt_legacy((string)$value, $key);
    if ($plain === null) {
        $bad++;
        continue;
    }
    $update->execute([encrypt_v2($plain, $key), $id, $value]);
    if ($update->rowCount() === 1) {
        $migrated++;
    } else {
        $skipped++;   // changed behind our back: left alone
    }
}

printf("migrated=%d bad=%d skipped=%d\n", $migrated, $bad, $skipped);
peak_report();
exit($bad === 0 && $skipped === 0 ? 0 : 1);
