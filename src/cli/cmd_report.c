/* `aidflow report DIR [DIR...] [-o FILE] [--label TEXT...]`: one self-contained HTML file with charts from the
 * outputs of run, compare, sweep and target. The work is af_report_write's; this parses the
 * arguments and turns its status into an exit code. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/report.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: aidflow report DIR [DIR...] [-o FILE] [--label TEXT]...\n"
            "  Writes one HTML file with the charts and summary of the output directories of\n"
            "  'aidflow run', 'compare', 'sweep' or 'target' (recognised by the files in them).\n"
            "  Several run directories are drawn overlaid. The file opens offline in any\n"
            "  browser (no script, no network request) and prints on A4.\n"
            "  -o, --output FILE   where to write it (default: report.html)\n"
            "  --label TEXT        the name of the next directory's run in the report (once per\n"
            "                      directory, in order; default: the scenario's name with the\n"
            "                      --set overrides of its command)\n");
}

int af_cmd_report(int argc, char **argv)
{
    const char *out = "report.html";
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"label", required_argument, NULL, 'l'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char **labels = calloc((size_t)argc + 1, sizeof *labels);
    size_t n_labels = 0;
    if (!labels) {
        fprintf(stderr, "aidflow report: out of memory\n");
        return AF_EXIT_FAIL;
    }
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'l': labels[n_labels++] = optarg; break;
        case 'h': usage(stdout); free(labels); return AF_EXIT_OK;
        default: usage(stderr); free(labels); return AF_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "aidflow report: expected at least one output directory\n");
        usage(stderr);
        free(labels);
        return AF_EXIT_USAGE;
    }
    size_t n_dirs = (size_t)(argc - optind);
    if (n_labels > n_dirs) {
        fprintf(stderr, "aidflow report: %zu --label options for %zu directories\n", n_labels, n_dirs);
        free(labels);
        return AF_EXIT_USAGE;
    }
    af_error err;
    af_status st = af_report_write_labelled((const char *const *)(argv + optind), labels, n_dirs, out, &err);
    free(labels);
    if (st != AF_OK) {
        fprintf(stderr, "aidflow report: %s\n", err.message[0] ? err.message : af_strerror(st));
        return st == AF_PARSE || st == AF_INVAL || st == AF_NOTFOUND ? AF_EXIT_USAGE : AF_EXIT_FAIL;
    }
    printf("wrote %s\n", out);
    return AF_EXIT_OK;
}
