#ifndef TCADMIN_CMARIADB_SHIM_H
#define TCADMIN_CMARIADB_SHIM_H
#include <stddef.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

/* mysql_library_init is a macro: wrap it so Swift can call it once, before threads. */
static inline int tc_mysql_library_init(void) {
    return mysql_library_init(0, NULL, NULL);
}
#endif
