#include "aidflow/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
#define AF_STATUS_MSG_(name, msg) msg,
    AF_STATUS_MAP(AF_STATUS_MSG_)
#undef AF_STATUS_MSG_
};

static const char *const names[] = {
#define AF_STATUS_NAME_(name, msg) "AF_" #name,
    AF_STATUS_MAP(AF_STATUS_NAME_)
#undef AF_STATUS_NAME_
};

const char *af_strerror(af_status status)
{
    if ((int)status < 0 || status >= AF_STATUS_COUNT_) return "unknown status";
    return messages[status];
}

const char *af_status_name(af_status status)
{
    if ((int)status < 0 || status >= AF_STATUS_COUNT_) return "AF_UNKNOWN";
    return names[status];
}

void af_error_clear(af_error *err)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
    err->status = AF_OK;
}

af_status af_error_set(af_error *err, af_status status, const char *fmt, ...)
{
    if (!err) return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}
