/* `aidflow report DIR [DIR...] [-o FILE]`: one self-contained HTML file with charts from the
 * outputs of run, compare, sweep and target. The work is af_report_write's; this parses the
 * arguments and turns its status into an exit code. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aidflow/report.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow report DIR [DIR...] [-o FILE]\n"
            "  Writes one HTML file with the charts and summary of the output directories of\n"
            "  'aidflow run', 'compare', 'sweep' or 'target' (recognised by the files in them).\n"
            "  Several run directories are drawn overlaid. The file opens offline in any\n"
            "  browser (no script, no network request) and prints on A4.\n"
            "  -o, --output FILE   where to write it (default: report.html)\n");
}

int af_cmd_report(int argc, char **argv)
{
    const char *out = "report.html";
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return AF_EXIT_OK;
        default: usage(stderr); return AF_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "aidflow report: expected at least one output directory\n");
        usage(stderr);
        return AF_EXIT_USAGE;
    }
    af_error err;
    af_status st = af_report_write((const char *const *)(argv + optind), (size_t)(argc - optind), out, &err);
    if (st != AF_OK) {
        fprintf(stderr, "aidflow report: %s\n", err.message[0] ? err.message : af_strerror(st));
        return st == AF_PARSE || st == AF_INVAL || st == AF_NOTFOUND ? AF_EXIT_USAGE : AF_EXIT_FAIL;
    }
    printf("wrote %s\n", out);
    return AF_EXIT_OK;
}
