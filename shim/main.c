/*
 * launch-shim: the per-job shim as a program of its own (see shim.c).
 *
 * One shim runs per job for the job's whole life, so what it costs is
 * multiplied by the number of jobs.  The `launch` binary links libssh2,
 * libcurl and through them OpenSSL, GnuTLS, Kerberos and LDAP: each
 * process that maps them dirties their relocations, over 1 MiB per
 * process.  This program links only libc, libm and cJSON.  The daemon
 * runs it from the directory of its own binary (the build tree, or a
 * private install), else from $(pkglibexecdir); without it, `launch
 * shim` (the same code inside launch) still works.
 */
#include "config.h"

#include "shim.h"

int
main(int argc, char **argv)
{
	return shim_main(argc, argv);
}
