#include "config.h"
#include "thumbing-test-util.h"
int main (int argc, char **argv) { thumbing_test_init (&argc, &argv); return g_test_run (); }
