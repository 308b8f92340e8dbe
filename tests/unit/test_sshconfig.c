/*
 * Unit tests for the ssh target spec and ~/.ssh/config reader
 * (common/sshconfig.c).  The config cases each apply one file to one
 * target, as `launch -H` does, with home /home/me and local user "me".
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshconfig.h"
#include "xmalloc.h"
#include "check-run.h"

#define HOME		"/home/me"
#define LOCAL_USER	"me"

static char	err[256];

/* An input that must be refused, and what the message must contain. */
struct refusal {
	const char	*input;
	const char	*message;
};

static void
parse_ok(const char *spec, struct ssh_target *t)
{
	err[0] = '\0';
	ck_assert_msg(ssh_target_parse(spec, t, err, sizeof err) == 0,
	    "\"%s\" refused: %s", spec, err);
}

/* The spec must be accepted as host (the alias too), user and port. */
static void
parse_expect(const char *spec, const char *host, const char *user, int port)
{
	struct ssh_target	t;

	parse_ok(spec, &t);
	ck_assert_str_eq(t.alias, host);
	ck_assert_str_eq(t.host, host);
	ck_assert_pstr_eq(t.user, user);
	ck_assert_int_eq(t.port, port);
	ck_assert_uint_eq(t.nidentity, 0);
	ssh_target_free(&t);
	ck_assert_ptr_null(t.alias);
}

static int
apply_len(const char *spec, const char *text, size_t len,
    struct ssh_target *t)
{
	parse_ok(spec, t);
	err[0] = '\0';
	return sshconfig_apply(text, len, t, HOME, LOCAL_USER, err,
	    sizeof err);
}

static int
apply(const char *spec, const char *text, struct ssh_target *t)
{
	return apply_len(spec, text, strlen(text), t);
}

/* The file must be accepted; t then holds host, user and port. */
static void
apply_ok(const char *spec, const char *text, struct ssh_target *t,
    const char *host, const char *user, int port)
{
	ck_assert_msg(apply(spec, text, t) == 0, "%s: refused: %s", spec,
	    err);
	ck_assert_str_eq(t->host, host);
	ck_assert_str_eq(t->user, user);
	ck_assert_int_eq(t->port, port);
}

/* The file must be refused with a message containing message. */
static void
apply_fails(const char *spec, const char *text, const char *message)
{
	struct ssh_target	t;

	ck_assert_msg(apply(spec, text, &t) == -1, "accepted: %s", text);
	ck_assert_msg(strstr(err, message) != NULL,
	    "message \"%s\" lacks \"%s\"", err, message);
	ssh_target_free(&t);
}

static char *
fill(char c, size_t n)
{
	char	*s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */
/* The spec. */

START_TEST(test_spec_forms)
{
	parse_expect("alice@box.example.com:2222", "box.example.com", "alice",
	    2222);
	parse_expect("box", "box", NULL, 0);
	parse_expect("box:65535", "box", NULL, 65535);
	parse_expect("box:1", "box", NULL, 1);
	parse_expect("a.b-c_d@e-f.g_h", "e-f.g_h", "a.b-c_d", 0);
}
END_TEST

START_TEST(test_spec_ipv6)
{
	parse_expect("[::1]:2222", "::1", NULL, 2222);
	parse_expect("bob@[fe80::1%eth0]", "fe80::1%eth0", "bob", 0);
	/* Bare: two or more ':' are an address, never host:port. */
	parse_expect("::1", "::1", NULL, 0);
	parse_expect("alice@2001:db8::22", "2001:db8::22", "alice", 0);
}
END_TEST

START_TEST(test_spec_bad)
{
	static const struct refusal	cases[] = {
		{ "", "empty host" },
		{ "alice@", "empty host" },
		{ ":22", "empty host" },
		{ "[]:22", "empty host" },
		{ "box:0", "bad port \"0\" (1-65535)" },
		{ "box:65536", "bad port \"65536\" (1-65535)" },
		{ "box:99999999999999999999", "bad port" },
		{ "box:abc", "bad port \"abc\" (1-65535)" },
		{ "box:", "bad port \"\" (1-65535)" },
		{ "box:+22", "bad port \"+22\"" },
		{ "box:-1", "bad port \"-1\"" },
		{ "[::1]:", "bad port \"\"" },
		{ "[::1]:x", "bad port \"x\"" },
		{ "[::1", "unterminated '['" },
		{ "[::1]22", "unexpected \"22\" after ']'" },
		{ "bad host", "host \"bad host\" has a character outside" },
		{ "box;reboot", "has a character outside [A-Za-z0-9._:%-]" },
		{ "b\033[2Jx", "host \"b?[2Jx\" has a character outside" },
		{ "-oProxyCommand", "host \"-oProxyCommand\" starts with '-'" },
		{ "al ice@box", "user \"al ice\" has a character outside "
		    "[A-Za-z0-9._-]" },
		{ "a:b@box", "user \"a:b\" has a character outside" },
		{ "@box", "user \"\" is empty" },
		{ "-l@box", "user \"-l\" starts with '-'" },
	};
	struct ssh_target		t;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		ck_assert_msg(ssh_target_parse(cases[i].input, &t, err,
		    sizeof err) == -1, "case %zu accepted: %s", i,
		    cases[i].input);
		ck_assert_msg(strstr(err, cases[i].message) != NULL,
		    "case %zu: message \"%s\" lacks \"%s\"", i, err,
		    cases[i].message);
		ck_assert_ptr_null(t.alias);
		ck_assert_ptr_null(t.host);
		ck_assert_ptr_null(t.user);
		ck_assert_int_eq(t.port, 0);
	}
}
END_TEST

START_TEST(test_spec_too_long)
{
	struct ssh_target	 t;
	char			*host, *spec;

	host = fill('a', SSH_HOST_MAX);
	parse_ok(host, &t);
	ck_assert_uint_eq(strlen(t.host), SSH_HOST_MAX);
	ssh_target_free(&t);
	free(host);

	host = fill('a', SSH_HOST_MAX + 1);
	ck_assert_int_eq(ssh_target_parse(host, &t, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 253 bytes"));
	/* The message quotes a bounded, marked prefix. */
	ck_assert_ptr_nonnull(strstr(err, "aaa...\""));
	ck_assert_uint_lt(strlen(err), 100);
	free(host);

	host = fill('u', SSH_USER_MAX + 1);
	xasprintf(&spec, "%s@box", host);
	ck_assert_int_eq(ssh_target_parse(spec, &t, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "user \""));
	ck_assert_ptr_nonnull(strstr(err, "longer than 255 bytes"));
	free(spec);
	free(host);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Which values win. */

START_TEST(test_config_alias)
{
	struct ssh_target	t;

	apply_ok("web", "Host web\n"
	    "    HostName web.example.com\n"
	    "    User deploy\n"
	    "    Port 2200\n", &t, "web.example.com", "deploy", 2200);
	ck_assert_str_eq(t.alias, "web");
	ck_assert_uint_eq(t.nidentity, 0);
	ssh_target_free(&t);

	/* HostName's %h is the alias, %% a '%'. */
	apply_ok("web", "Host web\n HostName %h.example.com\n", &t,
	    "web.example.com", LOCAL_USER, 22);
	ssh_target_free(&t);
	apply_ok("fe80::1", "HostName %h%%eth0\n", &t, "fe80::1%eth0",
	    LOCAL_USER, 22);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_defaults)
{
	struct ssh_target	t;

	/* No block matches: the alias, the local user, port 22. */
	apply_ok("db", "Host web\n HostName web.example.com\n User deploy\n"
	    " Port 2200\n", &t, "db", LOCAL_USER, 22);
	ssh_target_free(&t);

	/* An empty file. */
	apply_ok("db", "", &t, "db", LOCAL_USER, 22);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_command_line_wins)
{
	struct ssh_target	t;

	apply_ok("root@web:2022", "Host web\n User deploy\n Port 2200\n"
	    " HostName web.example.com\n", &t, "web.example.com", "root",
	    2022);
	ssh_target_free(&t);

	/* Not re-checked either: a value from the spec is not the file's. */
	apply_ok("root@web", "Host web\n User \"-bad\"\n", &t, "web", "root",
	    22);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_first_wins)
{
	struct ssh_target	t;

	apply_ok("web", "Host web\n User first\n User second\n"
	    "Host web\n User third\n Port 2001\n"
	    "Host web\n Port 2002\n HostName h1\n HostName h2\n", &t, "h1",
	    "first", 2001);
	ssh_target_free(&t);

	/* Lines before any Host apply to every host, and come first. */
	apply_ok("web", "User global\nHost web\n User deploy\n", &t, "web",
	    "global", 22);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_host_star_defaults)
{
	const char		*file = "Host web\n"
	    "  User deploy\n"
	    "Host *\n"
	    "  User everyone\n"
	    "  Port 2222\n";
	struct ssh_target	 t;

	apply_ok("web", file, &t, "web", "deploy", 2222);
	ssh_target_free(&t);
	apply_ok("db", file, &t, "db", "everyone", 2222);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_negation)
{
	const char		*file =
	    "Host *.example.com !secret.example.com\n"
	    "  User ops\n";
	struct ssh_target	 t;

	apply_ok("a.example.com", file, &t, "a.example.com", "ops", 22);
	ssh_target_free(&t);
	apply_ok("secret.example.com", file, &t, "secret.example.com",
	    LOCAL_USER, 22);
	ssh_target_free(&t);

	/* The negation excludes wherever it stands. */
	apply_ok("secret", "Host !secret *\n User ops\n", &t, "secret",
	    LOCAL_USER, 22);
	ssh_target_free(&t);
	/* A negation alone matches nothing. */
	apply_ok("other", "Host !secret\n User ops\n", &t, "other",
	    LOCAL_USER, 22);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_wildcards_and_case)
{
	const char		*file = "Host web?\n  Port 2001\n"
	    "Host DB*\n  Port 2002\n";
	struct ssh_target	 t;

	apply_ok("web1", file, &t, "web1", LOCAL_USER, 2001);
	ssh_target_free(&t);
	apply_ok("web12", file, &t, "web12", LOCAL_USER, 22);
	ssh_target_free(&t);
	/* Matching ignores case on both sides; the alias keeps its own. */
	apply_ok("WEB2", file, &t, "WEB2", LOCAL_USER, 2001);
	ck_assert_str_eq(t.alias, "WEB2");
	ssh_target_free(&t);
	apply_ok("db-main", file, &t, "db-main", LOCAL_USER, 2002);
	ssh_target_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Syntax. */

START_TEST(test_config_syntax_forms)
{
	/* The same file written in each form ssh_config(5) allows. */
	static const char	*forms[] = {
		"Host web\n HostName web.example.com\n User deploy\n"
		    " Port 2001\n IdentityFile ~/.ssh/id\n",
		"Host=web\nHostName\t=\tweb.example.com\nUser = deploy\n"
		    "Port=2001\nIdentityFile= ~/.ssh/id\n",
		"hOsT web\nhostname web.example.com\nUSER deploy\n"
		    "port 2001\nidentityFILE ~/.ssh/id\n",
		"Host web\r\n HostName web.example.com\r\n User deploy\r\n"
		    " Port 2001\r\n IdentityFile ~/.ssh/id\r\n",
		"Host \"web\"\nHostName \"web.example.com\"\nUser \"deploy\"\n"
		    "Port \"2001\"\nIdentityFile \"~/.ssh/id\"\n",
		"\tHost\tweb\n\tHostName web.example.com \n\tUser deploy\t\n"
		    "\tPort 2001\n\tIdentityFile ~/.ssh/id",
	};
	struct ssh_target	 t;

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		apply_ok("web", forms[i], &t, "web.example.com", "deploy",
		    2001);
		ck_assert_msg(t.nidentity == 1 &&
		    strcmp(t.identity[0], HOME "/.ssh/id") == 0,
		    "form %zu: identity", i);
		ssh_target_free(&t);
	}
}
END_TEST

START_TEST(test_config_quoted)
{
	struct ssh_target	t;

	apply_ok("web", "Host \"web\"\n"
	    "  User \"deploy\"\n"
	    "  IdentityFile \"~/My Keys/id ed25519\"\n"
	    "  IdentityFile ~/\"half quoted\"/id\n", &t, "web", "deploy", 22);
	ck_assert_uint_eq(t.nidentity, 2);
	ck_assert_str_eq(t.identity[0], HOME "/My Keys/id ed25519");
	ck_assert_str_eq(t.identity[1], HOME "/half quoted/id");
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_comments)
{
	struct ssh_target	t;

	apply_ok("web", "# ~/.ssh/config\n"
	    "\n"
	    "   # indented comment\n"
	    "\t\n"
	    "Host web # the web server\n"
	    "  Port 2001 # not the default\n"
	    "  IdentityFile \"#key\"\n"
	    "  HostName web.example.com\n", &t, "web.example.com", LOCAL_USER,
	    2001);
	ck_assert_uint_eq(t.nidentity, 1);
	ck_assert_str_eq(t.identity[0], "#key");
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_other_keywords_ignored)
{
	struct ssh_target	t;

	apply_ok("web", "ForwardAgent yes\n"
	    "Host web\n"
	    "  ProxyJump \"bastion\" extra words\n"
	    "  LocalForward 8080 localhost:80\n"
	    "  UserKnownHostsFile /dev/null\n"
	    "  PortForwarding\n"
	    "  User deploy\n", &t, "web", "deploy", 22);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_match_skipped)
{
	struct ssh_target	t;

	/* A Match block's lines are skipped, even malformed ones, up to
	 * the next Host (or Match). */
	apply_ok("web", "Match host web\n"
	    "  User matched\n"
	    "  Port abc\n"
	    "  IdentityFile ~/.ssh/matched\n"
	    "Host web\n"
	    "  User hosted\n"
	    "Match all\n"
	    "  Port 1\n"
	    "Match exec \"true\"\n"
	    "  HostName nowhere\n"
	    "Host *\n"
	    "  Port 2001\n", &t, "web", "hosted", 2001);
	ck_assert_uint_eq(t.nidentity, 0);
	ssh_target_free(&t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IdentityFile. */

START_TEST(test_config_identity_accumulates)
{
	const char		*file = "IdentityFile ~/.ssh/global\n"
	    "Host db\n  IdentityFile ~/.ssh/db\n"
	    "Host web\n  IdentityFile ~/.ssh/web\n"
	    "Host *\n  IdentityFile ~/.ssh/any\n  IdentityFile /abs/key\n";
	struct ssh_target	 t;

	parse_ok("web", &t);
	/* One from the command line (-i), kept first and as it is. */
	t.identity = xreallocarray(NULL, 1, sizeof *t.identity);
	t.identity[0] = xstrdup("given/%x");
	t.nidentity = 1;
	ck_assert_int_eq(sshconfig_apply(file, strlen(file), &t, HOME,
	    LOCAL_USER, err, sizeof err), 0);
	ck_assert_uint_eq(t.nidentity, 5);
	ck_assert_str_eq(t.identity[0], "given/%x");
	ck_assert_str_eq(t.identity[1], HOME "/.ssh/global");
	ck_assert_str_eq(t.identity[2], HOME "/.ssh/web");
	ck_assert_str_eq(t.identity[3], HOME "/.ssh/any");
	ck_assert_str_eq(t.identity[4], "/abs/key");
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_identity_tokens)
{
	struct ssh_target	t;

	/* %r, %h and %p are the final values, set by later lines. */
	apply_ok("web", "Host web\n"
	    "  IdentityFile %d/.ssh/%u-%r@%h:%p-%n-100%%\n"
	    "  IdentityFile ~/%%d/%r\n"
	    "  IdentityFile a~/b\n"
	    "  HostName web.example.com\n"
	    "  User deploy\n"
	    "  Port 2200\n", &t, "web.example.com", "deploy", 2200);
	ck_assert_uint_eq(t.nidentity, 3);
	ck_assert_str_eq(t.identity[0],
	    HOME "/.ssh/me-deploy@web.example.com:2200-web-100%");
	ck_assert_str_eq(t.identity[1], HOME "/%d/deploy");
	ck_assert_str_eq(t.identity[2], "a~/b");
	ssh_target_free(&t);

	/* %r after defaulting to the local user, %p to 22. */
	apply_ok("db", "IdentityFile ~/.ssh/%r-%p\n", &t, "db", LOCAL_USER,
	    22);
	ck_assert_str_eq(t.identity[0], HOME "/.ssh/me-22");
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_identity_unsupported)
{
	struct ssh_target	t;

	apply_fails("web", "Host web\n\n  IdentityFile ~/.ssh/%C\n",
	    "line 3: IdentityFile \"~/.ssh/%C\": %C is not a supported token");
	apply_fails("web", "IdentityFile ~/.ssh/id%\n",
	    "line 1: IdentityFile \"~/.ssh/id%\" ends in a lone '%'");
	apply_fails("web", "IdentityFile ~bob/.ssh/id\n",
	    "line 1: IdentityFile \"~bob/.ssh/id\": only a leading \"~/\"");
	apply_fails("web", "HostName %h.%l\n",
	    "line 1: HostName \"%h.%l\": %l is not a supported token "
	    "(supported: %h %%)");
	/* In another host's block it is not used, so not an error. */
	apply_ok("web", "Host db\n  IdentityFile ~/.ssh/%C\n"
	    "  HostName %l\n", &t, "web", LOCAL_USER, 22);
	ck_assert_uint_eq(t.nidentity, 0);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_identity_max)
{
	struct ssh_target	 t;
	char			*text, *p;
	size_t			 n = SSHCONFIG_IDENTITY_MAX;

	text = xmalloc((n + 1) * 32);
	p = text;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "IdentityFile ~/.ssh/id%zu\n", i);
	ck_assert_int_eq(apply("web", text, &t), 0);
	ck_assert_uint_eq(t.nidentity, n);
	ck_assert_str_eq(t.identity[n - 1], HOME "/.ssh/id63");
	/* Applying again would make 128. */
	ck_assert_int_eq(sshconfig_apply(text, strlen(text), &t, HOME,
	    LOCAL_USER, err, sizeof err), -1);
	ck_assert_str_eq(err, "line 1: more than 64 IdentityFiles");
	ck_assert_uint_eq(t.nidentity, n);
	ssh_target_free(&t);

	sprintf(p, "IdentityFile ~/.ssh/one-too-many\n");
	apply_fails("web", text, "line 65: more than 64 IdentityFiles");
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Errors. */

START_TEST(test_config_bad_port)
{
	/* Named wherever it is: ssh refuses the file for every host. */
	apply_fails("web", "Host db\n\n# db's port\n  Port abc\n",
	    "line 4: Port \"abc\" is not a number 1-65535");
	apply_fails("web", "Port 0\n", "line 1: Port \"0\" is not a number");
	apply_fails("web", "Port 65536\n", "line 1: Port \"65536\"");
	apply_fails("web", "Port -22\n", "line 1: Port \"-22\"");
	apply_fails("web", "Port 22x\n", "line 1: Port \"22x\"");
}
END_TEST

START_TEST(test_config_malformed)
{
	static const struct refusal	cases[] = {
		{ "Host web\n  HostName\n", "line 2: HostName needs a value" },
		{ "Host web\n  HostName =\n",
		    "line 2: HostName needs a value" },
		{ "User \"\"\n", "line 1: User needs a value" },
		{ "Port # none\n", "line 1: Port needs a value" },
		{ "IdentityFile\n", "line 1: IdentityFile needs a value" },
		{ "Host\n", "line 1: Host needs a value" },
		{ "Host # none\n", "line 1: Host needs a value" },
		{ "User deploy ops\n", "line 1: User takes one value" },
		{ "IdentityFile ~/My Keys/id\n",
		    "line 1: IdentityFile takes one value" },
		{ "\nUser \"deploy\n", "line 2: unterminated quote" },
		{ "Host \"web\n", "line 1: unterminated quote" },
		{ "Host !x \"y\n", "line 1: unterminated quote" },
		/* Checked when used: the host and user rules of the spec. */
		{ "HostName \"web example\"\n",
		    "line 1: HostName \"web example\" has a character" },
		{ "HostName -oProxyCommand=x\n",
		    "line 1: HostName \"-oProxyCommand=x\" starts with '-'" },
		{ "\n\nUser root;id\n",
		    "line 3: User \"root;id\" has a character outside" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		apply_fails("web", cases[i].input, cases[i].message);
}
END_TEST

START_TEST(test_config_error_keeps_target)
{
	struct ssh_target	t;

	/* A good start, then a bad line: t is as it was (and ASan sees
	 * nothing leak of what the good lines kept). */
	ck_assert_int_eq(apply("alice@web", "HostName web.example.com\n"
	    "IdentityFile ~/.ssh/id\nPort 2001\nPort x\n", &t), -1);
	ck_assert_str_eq(err, "line 4: Port \"x\" is not a number 1-65535");
	ck_assert_str_eq(t.alias, "web");
	ck_assert_str_eq(t.host, "web");
	ck_assert_str_eq(t.user, "alice");
	ck_assert_int_eq(t.port, 0);
	ck_assert_uint_eq(t.nidentity, 0);
	ck_assert_ptr_null(t.identity);
	ssh_target_free(&t);

	/* The same when the error is found after the lines (expansion). */
	ck_assert_int_eq(apply("web", "HostName web.example.com\n"
	    "IdentityFile ~/.ssh/id\nIdentityFile %C\n", &t), -1);
	ck_assert_str_eq(t.host, "web");
	ck_assert_ptr_null(t.user);
	ck_assert_uint_eq(t.nidentity, 0);
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_buffer_bounds)
{
	struct ssh_target	 t;
	const char		 text[] = "Port 2001\nUser deploy";
	const char		 nul[] = "Port 2001\nUser dep\0loy\n";
	const char		 nul_comment[] = "# x\0\n";
	char			*exact;

	/* Not NUL-terminated: an exact copy, so ASan sees any overread. */
	exact = xmalloc(sizeof text - 1);
	memcpy(exact, text, sizeof text - 1);
	ck_assert_int_eq(apply_len("web", exact, sizeof text - 1, &t), 0);
	ck_assert_str_eq(t.user, "deploy");
	ck_assert_int_eq(t.port, 2001);
	ssh_target_free(&t);

	/* len cuts the text: only what is inside it counts. */
	ck_assert_int_eq(apply_len("web", exact, 9, &t), 0);
	ck_assert_str_eq(t.user, LOCAL_USER);
	ck_assert_int_eq(t.port, 2001);
	ssh_target_free(&t);
	ck_assert_int_eq(apply_len("web", exact, 7, &t), 0);
	ck_assert_int_eq(t.port, 20);
	ssh_target_free(&t);
	free(exact);

	/* A NUL byte is an error, not the end of the line or the file. */
	ck_assert_int_eq(apply_len("web", nul, sizeof nul - 1, &t), -1);
	ck_assert_str_eq(err, "line 2: has a NUL byte");
	ssh_target_free(&t);
	ck_assert_int_eq(apply_len("web", nul_comment, sizeof nul_comment - 1,
	    &t), -1);
	ck_assert_str_eq(err, "line 1: has a NUL byte");
	ssh_target_free(&t);
}
END_TEST

START_TEST(test_config_long_line)
{
	struct ssh_target	 t;
	char			*text;

	/* The longest line allowed, then one byte more. */
	text = fill('k', 1 + SSHCONFIG_LINE_MAX + 1 + SSHCONFIG_LINE_MAX + 1);
	text[0] = '\n';
	text[1 + SSHCONFIG_LINE_MAX] = '\n';
	ck_assert_int_eq(apply_len("web", text, 1 + SSHCONFIG_LINE_MAX + 1,
	    &t), 0);
	ssh_target_free(&t);
	ck_assert_int_eq(apply("web", text, &t), -1);
	ck_assert_str_eq(err, "line 3: longer than 4096 bytes");
	ssh_target_free(&t);

	/* A value as long as a line fits the word buffer. */
	memcpy(text + 2 + SSHCONFIG_LINE_MAX, "IdentityFile ", 13);
	text[strlen(text) - 1] = '\0';
	ck_assert_int_eq(apply("web", text, &t), 0);
	ck_assert_uint_eq(t.nidentity, 1);
	ck_assert_uint_eq(strlen(t.identity[0]), SSHCONFIG_LINE_MAX - 13);
	ssh_target_free(&t);
	free(text);
}
END_TEST

static Suite *
sshconfig_suite(void)
{
	Suite	*s = suite_create("sshconfig");
	TCase	*tc;

	tc = tcase_create("spec");
	tcase_add_test(tc, test_spec_forms);
	tcase_add_test(tc, test_spec_ipv6);
	tcase_add_test(tc, test_spec_bad);
	tcase_add_test(tc, test_spec_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_test(tc, test_config_alias);
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_command_line_wins);
	tcase_add_test(tc, test_config_first_wins);
	tcase_add_test(tc, test_config_host_star_defaults);
	tcase_add_test(tc, test_config_negation);
	tcase_add_test(tc, test_config_wildcards_and_case);
	tcase_add_test(tc, test_config_syntax_forms);
	tcase_add_test(tc, test_config_quoted);
	tcase_add_test(tc, test_config_comments);
	tcase_add_test(tc, test_config_other_keywords_ignored);
	tcase_add_test(tc, test_config_match_skipped);
	tcase_add_test(tc, test_config_identity_accumulates);
	tcase_add_test(tc, test_config_identity_tokens);
	tcase_add_test(tc, test_config_identity_unsupported);
	tcase_add_test(tc, test_config_identity_max);
	tcase_add_test(tc, test_config_bad_port);
	tcase_add_test(tc, test_config_malformed);
	tcase_add_test(tc, test_config_error_keeps_target);
	tcase_add_test(tc, test_config_buffer_bounds);
	tcase_add_test(tc, test_config_long_line);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(sshconfig_suite());
}
