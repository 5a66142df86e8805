// SPDX-License-Identifier: GPL-2.0
/*
 * klp-failnth: run one livepatch operation with fault injection's fail-nth
 * set in the task that runs it, the way syzkaller fails each allocation
 * of a system call in turn.
 *
 *   klp-failnth N insmod FILE [PARAMS]   finit_module() of FILE
 *   klp-failnth N write PATH VALUE       write() of VALUE to PATH
 *
 * N = 0 runs the operation without a fault. Everything the operation
 * needs (the file, its descriptor) is opened before fail-nth is set, and
 * all of the program's memory is mapped and locked (mlockall(), and
 * suite.sh links it with -z now), so that no page fault or lazy binding
 * takes the N-th fault: it lands in the system call under test and
 * nowhere else. Prints one line:
 *
 *   rc=0|-ERRNO injected=0|1
 *
 * injected=1 when the N-th fault site was reached (the kernel then failed
 * it), 0 when the call returned before reaching it. Exits 0 when it could
 * run the operation, 2 when it could not (bad usage, no fail-nth).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAIL_NTH "/proc/thread-self/fail-nth"

static int usage(void)
{
	fprintf(stderr,
		"usage: klp-failnth N insmod FILE [PARAMS]\n"
		"       klp-failnth N write PATH VALUE\n");
	return 2;
}

static int die(const char *what)
{
	fprintf(stderr, "klp-failnth: %s: %s\n", what, strerror(errno));
	return 2;
}

/* Arm fail-nth: the n-th fault site of this task from now on fails. */
static int arm(int nth_fd, unsigned long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lu", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -1;
}

/*
 * Whether the armed fault was injected: fail-nth reads 0 once it was, and
 * the count still to go before it otherwise. Disarms it either way.
 */
static int injected(int nth_fd)
{
	char buf[32] = "";
	ssize_t len = pread(nth_fd, buf, sizeof(buf) - 1, 0);

	arm(nth_fd, 0);
	return len > 0 && strtoul(buf, NULL, 10) == 0;
}

int main(int argc, char **argv)
{
	unsigned long n;
	int nth_fd, fd, ret, err, inj;
	const char *params = "";
	char *end;

	if (argc < 4)
		return usage();
	n = strtoul(argv[1], &end, 10);
	if (*end || end == argv[1])
		return usage();

	nth_fd = open(FAIL_NTH, O_RDWR);
	if (nth_fd < 0)
		return die(FAIL_NTH);
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		return die("mlockall");

	if (!strcmp(argv[2], "insmod") && argc <= 5) {
		if (argc == 5)
			params = argv[4];
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return die(argv[3]);
		if (n && arm(nth_fd, n))
			return die("arming " FAIL_NTH);
		ret = syscall(SYS_finit_module, fd, params, 0);
	} else if (!strcmp(argv[2], "write") && argc == 5) {
		fd = open(argv[3], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return die(argv[3]);
		if (n && arm(nth_fd, n))
			return die("arming " FAIL_NTH);
		ret = write(fd, argv[4], strlen(argv[4]));
		if (ret >= 0)
			ret = 0;
	} else {
		return usage();
	}
	err = errno;
	inj = n ? injected(nth_fd) : 0;

	printf("rc=%d injected=%d\n", ret < 0 ? -err : 0, inj);
	return 0;
}
