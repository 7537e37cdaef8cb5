<?php
// Peer of `tcadmin test-code USER CODE`: look the user's secret up the app's way, decrypt it
// and check the code for the current step and one step either side (the app's window).
// Exit 0 accepted, 1 rejected, 65 no secret.
//   php testcode.php USER CODE
//   php testcode.php --code BASE32     prints the current code (the harness uses it)
declare(strict_types=1);
require __DIR__ . '/common.php';

if (($argv[1] ?? '') === '--code') {
    echo totp($argv[2], intdiv(time(), 30)), "\n";
    exit(0);
}
[$user, $code] = [$argv[1] ?? '', $argv[2] ?? ''];
$key = bench_env('BENCH_APP_KEY');
$pdo = bench_connect();
$select = $pdo->prepare('SELECT value FROM ' . bench_table('user_option') . ' WHERE username = ? AND `option` = ?');
$select->execute([$user, 'secret']);
$value = $select->fetchColumn();
if (!is_string($value) || $value === '' || $value === '0') {
    fwrite(STDERR, "peer: $user has no secret\n");
    exit(65);
}
$plain = str_starts_with($value, 'v2:') ? decrypt_v2($value, $key) : decrypt_legacy($value, $key);
if ($plain === null) {
    fwrite(STDERR, "peer: the secret of $user does not decrypt\n");
    exit(65);
}
$step = intdiv(time(), 30);
foreach ([-1, 0, 1] as $delta) {
    if (hash_equals(totp($plain, $step + $delta), $code)) {
        echo "accepted\n";
        exit(0);
    }
}
echo "rejected\n";
exit(1);
