// SPDX-License-Identifier: MIT
/*
 * trigger: the events LibbpfToolsIT makes the attached libbpf-tools programs see, with BPF run-time
 * statistics on (BPF_ENABLE_STATS, held only while it runs, so run_cnt counts; nothing global is left
 * changed): fork, execve and exit; kill, tkill and tgkill, and a signal delivered; mount and umount
 * in a private mount namespace; open, openat, stat, lstat, fstatat, statx and statfs; a TCP
 * connection over loopback; direct writes and fsync on a file in DIR (block requests, their
 * interrupts); sleeps (context switches and wake-ups).
 *
 * Usage: trigger DIR     (DIR on a block-device file system, not tmpfs)
 * Built at test time: clang-19 -O2 -o trigger trigger.c -lbpf
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	got = sig;
}

static void check(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(1);
	}
}

static void exec_and_exit(void)
{
	pid_t pid = fork();

	check(pid >= 0, "fork");
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	check(waitpid(pid, NULL, 0) == pid, "waitpid");
}

static void signals(void)
{
	signal(SIGUSR1, on_signal);
	check(kill(getpid(), 0) == 0, "kill 0");
	check(syscall(SYS_tkill, gettid(), 0) == 0, "tkill");
	check(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1) == 0, "tgkill");
	check(kill(getpid(), SIGUSR1) == 0, "kill");
	while (!got)
		usleep(1000);
}

static void mounts(const char *dir)
{
	char target[4096];
	pid_t pid;
	int status;

	snprintf(target, sizeof(target), "%s/mnt", dir);
	mkdir(target, 0700);
	pid = fork();
	check(pid >= 0, "fork");
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("gew-trigger", target, "tmpfs", 0, "size=64k") || umount2(target, 0))
			_exit(1);
		_exit(0);
	}
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "mount and umount in a private namespace");
	rmdir(target);
}

static void files(const char *dir)
{
	char path[4096];
	struct stat st;
	struct statx stx;
	struct statfs sfs;
	int fd;

	snprintf(path, sizeof(path), "%s/trigger-file", dir);
	fd = syscall(SYS_open, path, O_CREAT | O_WRONLY, 0600);
	check(fd >= 0, "open");
	close(fd);
	fd = openat(AT_FDCWD, path, O_RDONLY);
	check(fd >= 0, "openat");
	close(fd);
	check(syscall(SYS_stat, path, &st) == 0, "stat");
	check(syscall(SYS_lstat, path, &st) == 0, "lstat");
	check(syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0) == 0, "fstatat");
	check(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) == 0, "statx");
	check(statfs(dir, &sfs) == 0, "statfs");
	unlink(path);
}

static void direct_io(const char *dir)
{
	char path[4096];
	void *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/trigger-direct", dir);
	check(posix_memalign(&buf, 4096, 65536) == 0, "posix_memalign");
	memset(buf, 'g', 65536);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_DIRECT, 0600);
	if (fd < 0) /* a file system without O_DIRECT: written back by fsync instead */
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	check(fd >= 0, "open");
	for (int i = 0; i < 16; i++)
		check(pwrite(fd, buf, 65536, (off_t)i * 65536) == 65536, "pwrite");
	check(fsync(fd) == 0, "fsync");
	close(fd);
	unlink(path);
	free(buf);
}

static void tcp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;

	check(l >= 0 && c >= 0, "socket");
	check(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0, "listen");
	check(getsockname(l, (struct sockaddr *)&a, &len) == 0, "getsockname");
	check(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "connect");
	s = accept(l, NULL, NULL);
	check(s >= 0, "accept");
	check(write(c, "gew", 3) == 3 && read(s, (char[3]){0}, 3) == 3, "send over loopback");
	close(c);
	close(s);
	close(l);
}

int main(int argc, char **argv)
{
	int stats;

	if (argc != 2) {
		fprintf(stderr, "usage: trigger DIR\n");
		return 2;
	}
	stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	check(stats >= 0, "BPF_ENABLE_STATS");
	for (int round = 0; round < 3; round++) {
		exec_and_exit();
		signals();
		mounts(argv[1]);
		files(argv[1]);
		direct_io(argv[1]);
		tcp();
		usleep(20000);
	}
	close(stats);
	return 0;
}
