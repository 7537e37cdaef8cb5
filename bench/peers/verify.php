<?php
// Peer of `tcadmin verify-secrets`: decrypt every stored secret the app's way and count
// them per format. PDO's default buffered query, as a typical admin script would run it.
// Prints "v2=N legacy=N empty=N bad=N"; exit 0 when every secret decrypts, 1 otherwise.
declare(strict_types=1);
require __DIR__ . '/common.php';

$key = bench_env('BENCH_APP_KEY');
$pdo = bench_connect();
$select = $pdo->prepare('SELECT username, value FROM ' . bench_table('user_option') . ' WHERE `option` = ?');
$select->execute(['secret']);

$counts = ['v2' => 0, 'legacy' => 0, 'empty' => 0, 'bad' => 0];
while (($row = $select->fetch(PDO::FETCH_NUM)) !== false) {
    [$username, $value] = $row;
    $value = (string)$value;
    if ($value === '' || $value === '0') {
        $counts['empty']++;
    } elseif (str_starts_with($value, 'v2:')) {
        $counts[decrypt_v2($value, $key) !== null ? 'v2' : 'bad']++;
    } else {
        $counts[decrypt_legacy($value, $key) !== null ? 'legacy' : 'bad']++;
    }
}

printf("v2=%d legacy=%d empty=%d bad=%d\n", $counts['v2'], $counts['legacy'], $counts['empty'], $counts['bad']);
peak_report();
exit($counts['bad'] === 0 ? 0 : 1);
