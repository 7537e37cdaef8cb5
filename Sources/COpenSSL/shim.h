#ifndef TCADMIN_COPENSSL_SHIM_H
#define TCADMIN_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/opensslv.h>

/* OPENSSL_VERSION_NUMBER is not importable into Swift. */
static inline unsigned long tc_openssl_version_number(void) {
    return OPENSSL_VERSION_NUMBER;
}
#endif
