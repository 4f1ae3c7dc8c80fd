/* The program of the layer link checks (meson.build): linked with the whole of one module and
 * the modules below it, it builds only when the module calls nothing above them. */
int main(void) { return 0; }
