#ifndef TCADMIN_CPNG_SHIM_H
#define TCADMIN_CPNG_SHIM_H
#include <stdio.h>
#include <png.h>

/* libpng's simplified write API (no setjmp): these are macros, not importable. */
static inline unsigned int tc_png_image_version(void) { return PNG_IMAGE_VERSION; }
static inline unsigned int tc_png_format_gray(void) { return PNG_FORMAT_GRAY; }
static inline int tc_png_image_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image);
}
#endif
