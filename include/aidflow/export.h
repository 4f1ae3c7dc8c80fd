/* aidflow — symbol visibility. The library is built with -fvisibility=hidden; only what the
 * public headers mark AF_API is exported from the shared library. */
#ifndef AIDFLOW_EXPORT_H
#define AIDFLOW_EXPORT_H

#if defined(AF_BUILDING) && defined(__GNUC__)
#define AF_API __attribute__((visibility("default")))
#else
#define AF_API
#endif

#endif
