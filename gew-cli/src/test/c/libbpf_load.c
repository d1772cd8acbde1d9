// SPDX-License-Identifier: MIT
/*
 * libbpf_load: the libbpf peer of LibbpfToolsIT. Loads the programs of one BPF object with the
 * system's libbpf (libbpf-dev), each program alone (every other program's autoload off), as a
 * libbpf user would; with --attach, also attaches each named program by its section
 * (bpf_program__attach) and detaches it again. One line per program on stdout:
 *
 *   load    NAME  ok|refused  ERRNO  libbpf's last message
 *   attach  NAME  ok|refused  ERRNO  libbpf's last message
 *
 * Usage: libbpf_load OBJ                   every program alone
 *        libbpf_load --attach OBJ PROG...  each PROG alone, loaded, attached, detached
 *
 * Built at test time: clang-19 -O2 -o libbpf_load libbpf_load.c -lbpf
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

static char last[512];

static int keep_last(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char line[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = 0;
	/* the verifier's log is printed line by line between these markers: keep libbpf's own words */
	if (strncmp(line, "libbpf: ", 8) == 0 && !strstr(line, "failed to load object") &&
	    !strstr(line, "-- BEGIN PROG LOAD LOG --") && !strstr(line, "-- END PROG LOAD LOG --"))
		snprintf(last, sizeof(last), "%s", line + 8);
	return 0;
}

/* Opens OBJ with only PROG to load, loads it; returns the object (or NULL) and the error in *err. */
static struct bpf_object *load_alone(const char *path, const char *prog, struct bpf_program **out, int *err)
{
	struct bpf_object *obj;
	struct bpf_program *p;

	last[0] = 0;
	*out = NULL;
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		*err = errno;
		return NULL;
	}
	bpf_object__for_each_program(p, obj) {
		int wanted = strcmp(bpf_program__name(p), prog) == 0;

		bpf_program__set_autoload(p, wanted);
		if (wanted)
			*out = p;
	}
	if (!*out) {
		bpf_object__close(obj);
		*err = ENOENT;
		snprintf(last, sizeof(last), "no program %s", prog);
		return NULL;
	}
	*err = -bpf_object__load(obj);
	return obj;
}

static void row(const char *what, const char *name, int err)
{
	printf("%s\t%s\t%s\t%d\t%s\n", what, name, err ? "refused" : "ok", err, err ? last : "");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int attach = argc > 1 && strcmp(argv[1], "--attach") == 0;
	const char *path = argv[attach ? 2 : 1];
	struct bpf_object *obj;
	struct bpf_program *p;

	if (argc < (attach ? 4 : 2)) {
		fprintf(stderr, "usage: libbpf_load OBJ | libbpf_load --attach OBJ PROG...\n");
		return 2;
	}
	libbpf_set_print(keep_last);
	if (attach) {
		for (int i = 3; i < argc; i++) {
			int err;
			struct bpf_program *prog;
			struct bpf_link *link;

			obj = load_alone(path, argv[i], &prog, &err);
			if (!err) {
				link = bpf_program__attach(prog);
				err = link ? 0 : errno;
				if (link)
					bpf_link__destroy(link);
			}
			row("attach", argv[i], err);
			bpf_object__close(obj);
		}
		return 0;
	}
	/* the program names first, from an object opened once */
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "libbpf_load: cannot open %s: %s\n", path, last);
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		int err;
		struct bpf_program *prog;
		struct bpf_object *alone = load_alone(path, bpf_program__name(p), &prog, &err);

		row("load", bpf_program__name(p), err);
		bpf_object__close(alone);
	}
	bpf_object__close(obj);
	return 0;
}
