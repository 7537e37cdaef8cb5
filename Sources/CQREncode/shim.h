#ifndef TCADMIN_CQRENCODE_SHIM_H
#define TCADMIN_CQRENCODE_SHIM_H
#include <string.h>
#include <qrencode.h>

/* The symbol matrix encodes the secret: wipe it before libqrencode frees it
   (explicit_bzero is not optimised away, unlike a memset before free). */
static inline void tc_qrcode_free_wiped(QRcode *code) {
    if (code == NULL) return;
    if (code->data != NULL && code->width > 0) {
        explicit_bzero(code->data, (size_t)code->width * (size_t)code->width);
    }
    QRcode_free(code);
}
#endif
