/* The JSON Schema of the scenario language (see schema_json.c). */
#ifndef AF_CLI_SCHEMA_JSON_H
#define AF_CLI_SCHEMA_JSON_H

#include <stdio.h>

/* Writes the JSON Schema, pretty-printed, to out. Returns AF_EXIT_OK, or AF_EXIT_FAIL (with a
 * message on standard error) when out of memory. */
int af_schema_print_json(FILE *out);

#endif
