int af_cmd_demo(int argc, char **argv); int af_cmd_demo(int argc, char **argv) { (void)argc; (void)argv; return 1; } /* being written */
