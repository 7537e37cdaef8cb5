<?php
// Shared by the PHP peers of `make bench`: what a TeamCal Neo admin script would do, written
// the app's way (PDO, prepared statements, PHP's openssl extension).
//
// Connection from the environment, never from the command line:
//   BENCH_SOCKET, BENCH_DB, BENCH_USER, BENCH_PASSWORD, BENCH_PREFIX (default tcneo_),
//   BENCH_APP_KEY (the installation key, APP_LIC_KEY).

declare(strict_types=1);

function bench_env(string $name, ?string $default = null): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        if ($default !== null) {
            return $default;
        }
        fwrite(STDERR, "peer: $name is not set\n");
        exit(78);
    }
    return $value;
}

function bench_connect(): PDO
{
    $dsn = 'mysql:unix_socket=' . bench_env('BENCH_SOCKET') . ';dbname=' . bench_env('BENCH_DB') . ';charset=utf8';
    return new PDO($dsn, bench_env('BENCH_USER'), bench_env('BENCH_PASSWORD'), [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_EMULATE_PREPARES => false,   // real server-side prepared statements
    ]);
}

function bench_table(string $name): string
{
    return '`' . bench_env('BENCH_PREFIX', 'tcneo_') . $name . '`';
}

// The app's two stored formats (SPEC §2.5). Both return the plain base32 secret, or null.
function decrypt_v2(string $value, string $key): ?string
{
    $raw = base64_decode(substr($value, 3));
    if ($raw === false || strlen($raw) < 32) {
        return null;
    }
    $plain = openssl_decrypt(substr($raw, 16), 'aes-256-cbc', hash('sha256', $key, true), OPENSSL_RAW_DATA, substr($raw, 0, 16));
    return is_string($plain) && is_base32($plain) ? $plain : null;
}

function decrypt_legacy(string $value, string $key): ?string
{
    // PHP pads a short key with NULs and truncates a long one to the cipher's 16 bytes.
    $plain = openssl_decrypt($value, 'aes-128-ecb', $key);
    return is_string($plain) && is_base32($plain) ? $plain : null;
}

function encrypt_v2(string $plain, string $key): string
{
    $iv = random_bytes(16);
    $cipher = openssl_encrypt($plain, 'aes-256-cbc', hash('sha256', $key, true), OPENSSL_RAW_DATA, $iv);
    return 'v2:' . base64_encode($iv . $cipher);
}

function is_base32(string $s): bool
{
    return $s !== '' && preg_match('/^[A-Z2-7]+=*$/', $s) === 1;
}

// RFC 6238 with the app's parameters: HMAC-SHA1, 6 digits, 30 s steps.
function totp(string $base32, int $step): string
{
    $alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    $bits = '';
    foreach (str_split(rtrim($base32, '=')) as $c) {
        $bits .= str_pad(decbin(strpos($alphabet, $c)), 5, '0', STR_PAD_LEFT);
    }
    $secret = '';
    foreach (str_split($bits, 8) as $byte) {
        if (strlen($byte) === 8) {
            $secret .= chr(bindec($byte));
        }
    }
    $hash = hash_hmac('sha1', pack('J', $step), $secret, true);
    $offset = ord($hash[19]) & 0x0f;
    $value = ((ord($hash[$offset]) & 0x7f) << 24) | (ord($hash[$offset + 1]) << 16)
           | (ord($hash[$offset + 2]) << 8) | ord($hash[$offset + 3]);
    return str_pad((string)($value % 1000000), 6, '0', STR_PAD_LEFT);
}

function peak_report(): void
{
    fwrite(STDERR, sprintf("peer: memory_get_peak_usage %.1f MB\n", memory_get_peak_usage(true) / 1048576));
}
